"""The REST API: one router for the resources, plus the token login and the caller's own profile."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from accounts.api.views import MeView, ObtainTokenView, RoleGrantViewSet, RoleViewSet, UserViewSet
from audit.api.views import AuditRecordViewSet
from members.api.views import MemberViewSet
from orgs.api.views import OrganizationViewSet

router = DefaultRouter(use_regex_path=False)
router.register("organizations", OrganizationViewSet, basename="organization")
router.register("members", MemberViewSet, basename="member")
router.register("users", UserViewSet, basename="user")
router.register("roles", RoleViewSet, basename="role")
router.register("grants", RoleGrantViewSet, basename="grant")
router.register("audit", AuditRecordViewSet, basename="auditrecord")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
