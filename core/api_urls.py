"""core's own API routes (the dated rules); ``config/api_urls.py`` includes them before the apps' routes."""

from core.routers import AppRouter
from core.rule_api import RuleViewSet

router = AppRouter()
router.register("rules", RuleViewSet, basename="rule")

urlpatterns = router.urls
