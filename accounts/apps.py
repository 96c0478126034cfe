from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and roles")

    def ready(self) -> None:
        from accounts import signals  # noqa: F401
        from accounts.models import RoleGrant
        from core.scope import register_grant_provider

        register_grant_provider(RoleGrant.objects.active_paths_for)
