"""The sentences the composition export stores (core.phrases), rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.phrases import phrase

phrase("cadres.export_label", _("Committee compositions (%(format)s)"))
phrase("cadres.exported", lambda p: ngettext("%(n)s post holding exported.", "%(n)s post holdings exported.", p["n"]))
phrase("cadres.export_orphaned", _("The user of this export no longer exists."))
phrase("cadres.export_invalid", _("The organization of this export is no longer among yours."))
