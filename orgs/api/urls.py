"""The organizations API."""

from core.routers import AppRouter
from orgs.api.views import OrganizationViewSet

router = AppRouter()
router.register("organizations", OrganizationViewSet, basename="organization")

urlpatterns = router.urls
