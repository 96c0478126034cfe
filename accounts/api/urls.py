"""The accounts API: users, roles, grants, the token login and the caller's own profile."""

from django.urls import path

from accounts.api.views import MeView, ObtainTokenView, RoleGrantViewSet, RoleViewSet, UserViewSet
from core.routers import AppRouter

router = AppRouter()
router.register("users", UserViewSet, basename="user")
router.register("roles", RoleViewSet, basename="role")
router.register("grants", RoleGrantViewSet, basename="grant")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
