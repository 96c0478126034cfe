"""Rule of reorganizations (dated data: ``core.rules``). The size limits of a cell themselves are the tree's rules
``CELL_MIN_MEMBERS`` and ``CELL_MAX_MEMBERS`` (``orgs.rules``, Party Statute art. 21)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.rules import FIRST_DATE, RegulationKind, RuleKind, Version, define

define(
    "REORG_REFUSE_CELL_SIZE", RuleKind.BOOL,
    label=_("Refuse a reorganization that leaves a cell outside its size"),
    help_text=_("No: the preview warns when a resulting party cell has fewer full members than the smallest party "
                "organization or more members than the largest cell (exceptions need approval). Yes: such a "
                "reorganization is refused. The rule in force on the effective date applies."),
    versions=[Version(FIRST_DATE, False),
              Version(dt.date(2011, 1, 19), False, RegulationKind.STATUTE, "", dt.date(2011, 1, 19), "art:21")],
)
