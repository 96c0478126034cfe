"""What core itself puts in the shell: the dashboard and the rules."""

from django.utils.translation import gettext_lazy as _

from core.registry import MenuEntry, register_menu

register_menu(MenuEntry("dashboard", _("Dashboard"), order=0))
# The party's rules: every signed-in user reads them; national administrators change them there.
register_menu(MenuEntry("rules:list", _("Rules"), order=70))
