"""What reorg contributes: its menu entry."""

from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, register_menu

register_menu(MenuEntry("reorg:list", _("Reorganization"), "orgs.Organization", "view", order=40))
