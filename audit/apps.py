from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from audit import checks  # noqa: F401
        from audit.models import AuditRecordWriter
        from core.models import register_audit_writer

        register_audit_writer(AuditRecordWriter())
