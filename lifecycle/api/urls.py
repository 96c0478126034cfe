"""The lifecycle API: admissions, worklist, member events, transfer letters, badges, targets."""

from core.routers import AppRouter
from lifecycle.api import views

router = AppRouter()
router.register("lifecycle/admissions", views.AdmissionCaseViewSet, basename="lifecycle-admission")
router.register("lifecycle/worklist", views.WorklistViewSet, basename="lifecycle-worklist")
router.register("lifecycle/members", views.LifecycleMemberViewSet, basename="lifecycle-member")
router.register("lifecycle/transfers", views.TransferLetterViewSet, basename="lifecycle-transfer")
router.register("lifecycle/badges", views.BadgeViewSet, basename="lifecycle-badge")
router.register("lifecycle/targets", views.TargetViewSet, basename="lifecycle-target")

urlpatterns = router.urls
