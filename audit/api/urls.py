"""The audit API: the trail, read-only."""

from audit.api.views import AuditRecordViewSet
from core.routers import AppRouter

router = AppRouter()
router.register("audit", AuditRecordViewSet, basename="auditrecord")

urlpatterns = router.urls
