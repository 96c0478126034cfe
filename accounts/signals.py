"""Logins and logouts go to the audit trail; last_login is written as a derived column."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import update_last_login
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import timezone

from audit.models import AuditRecord
from audit.services import record_event
from core.actions import acting

user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")


@receiver(user_logged_in, dispatch_uid="partywork_login")
def _on_login(sender, request, user, **kwargs):
    with acting(user, "accounts.login", check_scope=False):
        get_user_model().objects.filter(pk=user.pk).derived_update(last_login=timezone.now())
        record_event(user, AuditRecord.Event.LOGIN, label=user.username,
                     scope_path=user.organization.path if user.organization_id else "")
    if user.language and request is not None and hasattr(request, "session"):
        request.session["_language"] = user.language


@receiver(user_logged_out, dispatch_uid="partywork_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_event(user, AuditRecord.Event.LOGOUT, label=user.username,
                     scope_path=user.organization.path if user.organization_id else "")


@receiver(user_login_failed, dispatch_uid="partywork_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    record_event(None, AuditRecord.Event.LOGIN_FAILED, label=username)


@receiver(post_migrate, dispatch_uid="partywork_default_roles")
def _default_roles(sender, app_config=None, **kwargs):
    from django.apps import apps

    # After the last app, when every app's permissions exist.
    if app_config is not None and app_config.label == list(apps.get_app_configs())[-1].label:
        from accounts.services import ensure_default_roles

        ensure_default_roles()
