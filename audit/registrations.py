"""What audit contributes: its menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, register_menu

register_menu(MenuEntry("audit:list", _("Audit trail"), "audit.AuditRecord", "view", order=50))
