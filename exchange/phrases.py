"""The sentences imports store (core.phrases), rendered in the reader's language with its numbers."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.phrases import phrase
from exchange.template import COLUMNS


def _summary(p: dict) -> str:
    """"5.000 rows read; 4.990 members registered; ..." - each count with its own plural form."""
    parts = [ngettext("%(n)s row read", "%(n)s rows read", p["rows"]) % {"n": "%(rows)s"}]
    if p.get("created") is not None:
        parts.append(ngettext("%(n)s member registered", "%(n)s members registered", p["created"])
                     % {"n": "%(created)s"})
    parts.append(ngettext("%(n)s row unchanged (already registered)", "%(n)s rows unchanged (already registered)",
                          p["unchanged"]) % {"n": "%(unchanged)s"})
    if p.get("errors"):
        parts.append(ngettext("%(n)s row with errors", "%(n)s rows with errors", p["errors"]) % {"n": "%(errors)s"})
    return "; ".join(parts) + "."


phrase("exchange.summary", _summary)
phrase("exchange.import_orphaned", _("The user or the organization of this import no longer exists."))
phrase("exchange.upload_gone", _("The uploaded file is no longer available; upload it again."))
phrase("exchange.cancelled_after_batch", _("Cancelled after a whole batch."))
phrase("exchange.nothing_imported", _("Nothing was imported because some rows have errors. Download the error "
                                      "report, correct the file and import it again."))
phrase("exchange.no_rows", _("The file has no data rows."))
phrase("exchange.import_label", _("Import of %(file)s into %(org)s"))
phrase("exchange.import_label_cli", _("Command-line import of %(file)s into %(org)s"))

for _column in COLUMNS:  # "citizen_id" in an error table reads as the template's header in the reader's language
    phrase(f"exchange.column.{_column.key}", _column.label)
