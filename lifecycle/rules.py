"""Rule numbers of a member's life in the party (dated data: ``core.rules``). Each act applies the version in force
on its own date: the probation of a ceremony held on 2024-05-01 lasts the months of the 2024 version."""

import datetime as dt

from django.utils.translation import gettext_lazy as _

from core.rules import FIRST_DATE, RegulationKind, RuleKind, Version, define

STATUTE_2011 = {"regulation_kind": RegulationKind.STATUTE, "regulation": "", "regulation_date": dt.date(2011, 1, 19)}
BADGES = [30, 40, 45, 50, 55, 60, 65, 70, 75, 80, 85, 90]

define(
    "PROBATION_MONTHS", RuleKind.INT, min_value=1, max_value=60,
    label=_("Probation"),
    help_text=_("Months of probation from the admission ceremony; the rule in force on the ceremony's date applies."),
    versions=[Version(dt.date(2011, 1, 19), 12, provision="art:5", **STATUTE_2011)],
)

define(
    "TRANSFER_DUE_DAYS", RuleKind.INT, min_value=1, max_value=365,
    label=_("Days for a transfer letter to arrive"),
    help_text=_("Days after its date by which a transfer letter is due at the receiving organization."),
    versions=[Version(FIRST_DATE, 30)],
)

define(
    "BADGE_YEARS", RuleKind.INT_LIST, min_value=1, max_value=120,
    label=_("Party badges"),
    help_text=_("Years of party age at which a party badge is awarded; the rule in force at the end of the "
                "period listed applies."),
    versions=[
        Version(dt.date(2016, 7, 25), BADGES, RegulationKind.REGULATION, "29-QĐ/TW", dt.date(2016, 7, 25), "pt:27.3"),
        Version(dt.date(2021, 9, 28), BADGES, RegulationKind.GUIDANCE, "01-HD/TW", dt.date(2021, 9, 28), "pt:18"),
    ],
)

define(
    "BADGE_EARLY_MONTHS", RuleKind.INT, min_value=0, max_value=60,
    label=_("Early award of a party badge"),
    help_text=_("Months ahead of time a badge may be awarded (for instance to a member gravely ill)."),
    versions=[Version(dt.date(2021, 9, 28), 12, RegulationKind.GUIDANCE, "01-HD/TW", dt.date(2021, 9, 28), "pt:18")],
)

define(
    "ADMISSION_TARGET_PERCENT", RuleKind.DECIMAL, min_value=0, max_value=100,
    label=_("Default admission target"),
    help_text=_("Percent of the members at the start of the year to admit in the year, where no target is set; "
                "the rule in force on 1 January of the year applies."),
    versions=[Version(dt.date(2022, 6, 16), 3, RegulationKind.RESOLUTION, "21-NQ/TW", dt.date(2022, 6, 16))],
)

define(
    "YOUNG_MEMBER_MAX_AGE", RuleKind.INT, min_value=14, max_value=60,
    label=_("Young members"),
    help_text=_("Age below which an admitted member counts as young in the admission statistics."),
    versions=[Version(FIRST_DATE, 30)],
)

define(
    "STUDENT_OCCUPATIONS", RuleKind.STR_LIST,
    label=_("Occupations counted as students"),
    help_text=_("Occupations, as written in the registry, counted as students in the admission statistics."),
    versions=[Version(FIRST_DATE, ["Sinh viên", "Học sinh"])],
)

define(
    "CEREMONY_WORKING_DAYS", RuleKind.INT, min_value=1, max_value=365,
    label=_("Days to hold the admission ceremony"),
    help_text=_("Working days (Monday to Friday; public holidays are not counted yet) after the committee's admission "
                "decision within which the cell holds the admission ceremony; the rule in force on the decision's "
                "date applies."),
    versions=[
        Version(dt.date(2016, 7, 25), 30, RegulationKind.REGULATION, "29-QĐ/TW", dt.date(2016, 7, 25), "pt:3.4"),
        Version(dt.date(2021, 7, 30), 30, RegulationKind.REGULATION, "24-QĐ/TW", dt.date(2021, 7, 30), "pt:3.4"),
        Version(dt.date(2025, 7, 1), 30, RegulationKind.REGULATION, "294-QĐ/TW", dt.date(2025, 5, 26)),
    ],
)

# Codes of the discipline forms (the discipline app, when it comes, words and applies them).
DISCIPLINE_FORMS = {"reprimand": _("reprimand"), "warning": _("warning"), "dismissal": _("dismissal"),
                    "expulsion": _("expulsion")}

define(
    "PROBATIONARY_DISCIPLINE_FORMS", RuleKind.STR_LIST,
    label=_("Discipline forms for probationary members"),
    help_text=_("Codes of the discipline forms a probationary member may receive (reprimand, warning, dismissal, "
                "expulsion); the rule in force on the date of the act applies. Expulsion is not among them: a "
                "probationary member cannot be expelled."),
    versions=[
        Version(dt.date(2017, 11, 15), ["reprimand", "warning"], RegulationKind.REGULATION, "102-QĐ/TW",
                dt.date(2017, 11, 15)),
        Version(dt.date(2022, 7, 6), ["reprimand", "warning"], RegulationKind.REGULATION, "69-QĐ/TW",
                dt.date(2022, 7, 6)),
        Version(dt.date(2025, 5, 30), ["reprimand", "warning"], RegulationKind.REGULATION, "296-QĐ/TW",
                dt.date(2025, 5, 30)),
    ],
)
