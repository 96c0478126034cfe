"""Rule numbers the member registry applies (dated data: ``core.rules``). Shipped versions are the party's texts as
published; an administrator adds later ones at /rules/."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.rules import FIRST_DATE, RegulationKind, RuleKind, Version, define

STATUTE_2011 = {"regulation_kind": RegulationKind.STATUTE, "regulation": "", "regulation_date": dt.date(2011, 1, 19)}

define(
    "MIN_ADMISSION_AGE", RuleKind.INT, min_value=14, max_value=40,
    label=_("Minimum age for admission"),
    help_text=_("Years of age a person must have reached on the day of the admission decision."),
    versions=[
        Version(dt.date(2011, 1, 19), 18, provision="art:1", **STATUTE_2011),
        Version(dt.date(2021, 7, 30), 18, RegulationKind.REGULATION, "24-QĐ/TW", dt.date(2021, 7, 30), "pt:1.1"),
        Version(dt.date(2025, 7, 1), 18, RegulationKind.REGULATION, "294-QĐ/TW", dt.date(2025, 5, 26)),
    ],
)

define(
    "CITIZEN_ID_STRICT", RuleKind.BOOL,
    label=_("Check the structure of citizen IDs"),
    help_text=_("Yes: the province code, century/gender digit and birth year inside a 12-digit citizen ID must "
                "match the person. No: only 12 digits are required."),
    versions=[Version(FIRST_DATE, True)],
)
