"""The reorganization API: reorganizations (preview, apply, schedule) and predecessor/successor links."""

from core.routers import AppRouter
from reorg.api.views import OrganizationLinkViewSet, ReorganizationViewSet

router = AppRouter()
router.register("reorganizations", ReorganizationViewSet, basename="reorganization")
router.register("organization-links", OrganizationLinkViewSet, basename="organizationlink")

urlpatterns = router.urls
