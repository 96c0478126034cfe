"""The members API, and the members of an organization (``/api/organizations/{id}/members/``)."""

from core.routers import AppRouter
from members.api.views import MemberViewSet, OrganizationMembersViewSet

router = AppRouter()
router.register("members", MemberViewSet, basename="member")
router.register("organizations", OrganizationMembersViewSet, basename="organization")

urlpatterns = router.urls
