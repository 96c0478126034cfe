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
from lifecycle.api import views as lifecycle_api  # noqa: E402

router.register("lifecycle/admissions", lifecycle_api.AdmissionCaseViewSet, basename="lifecycle-admission")
router.register("lifecycle/worklist", lifecycle_api.WorklistViewSet, basename="lifecycle-worklist")
router.register("lifecycle/members", lifecycle_api.LifecycleMemberViewSet, basename="lifecycle-member")
router.register("lifecycle/transfers", lifecycle_api.TransferLetterViewSet, basename="lifecycle-transfer")
router.register("lifecycle/badges", lifecycle_api.BadgeViewSet, basename="lifecycle-badge")
router.register("lifecycle/targets", lifecycle_api.TargetViewSet, basename="lifecycle-target")
from reorg.api.views import OrganizationLinkViewSet, ReorganizationViewSet  # noqa: E402

router.register("reorganizations", ReorganizationViewSet, basename="reorganization")
router.register("organization-links", OrganizationLinkViewSet, basename="organizationlink")
from core.rule_api import RuleViewSet  # noqa: E402

router.register("rules", RuleViewSet, basename="rule")

urlpatterns = [
    path("auth/token/", ObtainTokenView.as_view(), name="api-token"),
    path("me/", MeView.as_view(), name="api-me"),
    *router.urls,
]
