"""The sentences member exports store (core.phrases), rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.phrases import phrase

phrase("members.export_label", _("Member list (%(format)s)"))
phrase("members.exported", lambda p: ngettext("%(n)s member exported.", "%(n)s members exported.", p["n"]))
phrase("members.export_orphaned", _("The user of this export no longer exists."))
phrase("members.export_filters_invalid", _("The filters of this export are no longer valid."))
