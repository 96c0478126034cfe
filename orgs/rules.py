"""Rule numbers of the organization tree (dated data: ``core.rules``)."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.rules import RegulationKind, RuleKind, Version, define

STATUTE_2011 = {"regulation_kind": RegulationKind.STATUTE, "regulation": "", "regulation_date": dt.date(2011, 1, 19)}

define(
    "CELL_MIN_MEMBERS", RuleKind.INT, min_value=1, max_value=100,
    label=_("Smallest party organization"),
    help_text=_("Full members needed to form a party organization."),
    versions=[Version(dt.date(2011, 1, 19), 3, provision="art:21", **STATUTE_2011)],
)

define(
    "CELL_MAX_MEMBERS", RuleKind.INT, min_value=1, max_value=1000,
    label=_("Largest grassroots party cell"),
    help_text=_("Members a grassroots party cell may have; with more a grassroots party committee is formed "
                "(exceptions need approval)."),
    versions=[Version(dt.date(2011, 1, 19), 29, provision="art:21", **STATUTE_2011)],
)

define(
    "GRASSROOTS_COMMITTEE_MIN_MEMBERS", RuleKind.INT, min_value=1, max_value=1000,
    label=_("Members for a grassroots party committee"),
    help_text=_("From this many members a grassroots party committee is formed instead of a cell."),
    versions=[Version(dt.date(2011, 1, 19), 30, provision="art:21", **STATUTE_2011)],
)

define(
    "TERM_YEARS", RuleKind.INT, min_value=1, max_value=10,
    label=_("Length of a term"),
    help_text=_("Years between two congresses of a committee."),
    versions=[Version(dt.date(2011, 1, 19), 5, **STATUTE_2011)],
)
