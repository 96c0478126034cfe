from core.routers import AppRouter

router = AppRouter()
# Scoped viewsets of terms, bodies, post holdings, planning entries and rotations register here.

# --- services (h-cadsvc): terms, bodies, post holdings (read-only, scoped) ---
from cadres.api.views import BodyViewSet, PostHoldingViewSet, TermViewSet  # noqa: E402

router.register("cadres/terms", TermViewSet, basename="cadres-term")
router.register("cadres/bodies", BodyViewSet, basename="cadres-body")
router.register("cadres/holdings", PostHoldingViewSet, basename="cadres-holding")

urlpatterns = router.urls

# planning (h-cadplan): read-only planning entries and rotations
from cadres.api import planning as _planning_api  # noqa: E402

router.register("cadres/planning", _planning_api.PlanningEntryViewSet, basename="cadres-planning")
router.register("cadres/rotations", _planning_api.RotationViewSet, basename="cadres-rotation")
urlpatterns = router.urls
