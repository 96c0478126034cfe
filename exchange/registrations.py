"""What exchange contributes: its menu entry (for those who may add members)."""

from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, register_menu

register_menu(MenuEntry("exchange:home", _("Import and export"), "members.Member", "add", order=60))
