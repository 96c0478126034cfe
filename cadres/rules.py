"""Rule numbers of committee and cadre work (dated data: ``core.rules``); each act applies the version in force on its
own date. The sizes are the ceilings of the directive on the congresses of the term; a committee below a ceiling is
not refused, one above it is. Where no version names a regulation the value is this installation's default, to be
replaced by the administrator (Rules page) with the text that sets it."""

import datetime as dt

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.rules import FIRST_DATE, RegulationKind, RuleKind, Version, define

_CT35 = {"regulation_kind": RegulationKind.DIRECTIVE, "regulation": "35-CT/TW", "regulation_date": dt.date(2019, 5, 30)}
_CT45 = {"regulation_kind": RegulationKind.DIRECTIVE, "regulation": "45-CT/TW", "regulation_date": dt.date(2025, 4, 14)}
_QD50 = {"regulation_kind": RegulationKind.REGULATION, "regulation": "50-QĐ/TW",
         "regulation_date": dt.date(2021, 12, 27)}
_STATUTE = {"regulation_kind": RegulationKind.STATUTE, "regulation": "", "regulation_date": dt.date(2011, 1, 19)}

# TERM_YEARS (the length of a term) is the tree's rule, in orgs.rules.

define(
    "CELL_COMMITTEE_MIN_OFFICIAL", RuleKind.INT, min_value=1, max_value=100,
    label=_("Official members for a cell committee"),
    help_text=_("A party cell with at least this many official members elects a cell committee; a smaller cell "
                "elects only a secretary and, where needed, a deputy secretary."),
    versions=[Version(FIRST_DATE, 9, provision="art:24", **_STATUTE)],
)

# Ceilings per level: (level1 = provincial, intermediate = upper-grassroots, grassroots, cell).
_SIZES = {
    "EXECUTIVE_COMMITTEE": (_("Executive committee members"), (55, 33, 15, 5), (55, 33, 15, 5)),
    "STANDING_COMMITTEE": (_("Standing committee members"), (15, 11, 5, 0), (15, 11, 5, 0)),
    "DEPUTY_SECRETARIES": (_("Deputy secretaries"), (3, 2, 2, 1), (3, 2, 2, 1)),
    "INSPECTION_COMMISSION": (_("Inspection commission members"), (11, 7, 5, 3), (11, 7, 5, 3)),
}
_LEVELS = {
    "LEVEL1": _("a party committee directly under the Centre"),
    "INTERMEDIATE": _("an upper-grassroots party committee"),
    "GRASSROOTS": _("a grassroots party organization"),
    "CELL": _("a party cell"),
}
for _name, (_label, _old, _new) in _SIZES.items():
    for _i, (_level, _level_label) in enumerate(_LEVELS.items()):
        define(
            f"{_name}_MAX_{_level}", RuleKind.INT, min_value=0, max_value=200,
            label=format_lazy("{} - {}", _label, _level_label),
            help_text=_("The most this body may have at this level; a larger one is refused."),
            versions=[Version(dt.date(2019, 5, 30), _old[_i], **_CT35),
                      Version(dt.date(2025, 4, 14), _new[_i], **_CT45)],
        )

define(
    "PLANNING_PER_POST_MAX", RuleKind.INT, min_value=1, max_value=20,
    label=_("People planned per post"),
    help_text=_("How many people may be planned for one post of one committee for a term."),
    versions=[Version(dt.date(2021, 12, 27), 3, provision="art:5", **_QD50)],
)

define(
    "PLANNING_POSTS_PER_PERSON_MAX", RuleKind.INT, min_value=1, max_value=20,
    label=_("Posts planned per person"),
    help_text=_("For how many posts one person may be planned in one term."),
    versions=[Version(dt.date(2021, 12, 27), 3, provision="art:5", **_QD50)],
)

define(
    "PLANNING_MIN_YEARS_LEFT", RuleKind.INT, min_value=0, max_value=40,
    label=_("Years of service left when first planned"),
    help_text=_("Years a person must still be able to work before retirement age, counted at the term's reference "
                "date, to be planned for a post."),
    versions=[Version(dt.date(2021, 12, 27), 5, provision="art:4", **_QD50)],
)

# Retirement age in months by the year in which it is reached (Labour Code 2019, art. 169; Decree 135/2020/NĐ-CP):
# men 60 years 3 months in 2021, plus 3 months a year up to 62; women 55 years 4 months, plus 4 months up to 60.
# Before 2021: the Labour Code 2012 (Law 10/2012/QH13, art. 187), men 60 years, women 55.
_CODE_2012 = {"regulation_kind": RegulationKind.LAW, "regulation": "10/2012/QH13",
              "regulation_date": dt.date(2012, 6, 18), "provision": "art:187"}
_LABOUR = {"regulation_kind": RegulationKind.DECREE, "regulation": "135/2020/NĐ-CP",
           "regulation_date": dt.date(2020, 11, 18)}
define(
    "RETIREMENT_AGE_MONTHS_MEN", RuleKind.INT, min_value=480, max_value=900,
    label=_("Retirement age of men (months)"),
    help_text=_("Age in months at which a man retires; the version in force in the year he reaches it applies."),
    versions=[Version(FIRST_DATE, 720), Version(dt.date(2013, 5, 1), 720, **_CODE_2012)]
    + [Version(dt.date(2021 + i, 1, 1), 723 + 3 * i, provision="art:4", **_LABOUR) for i in range(8)],
)
define(
    "RETIREMENT_AGE_MONTHS_WOMEN", RuleKind.INT, min_value=480, max_value=900,
    label=_("Retirement age of women (months)"),
    help_text=_("Age in months at which a woman retires; the version in force in the year she reaches it applies."),
    versions=[Version(FIRST_DATE, 660), Version(dt.date(2013, 5, 1), 660, **_CODE_2012)]
    + [Version(dt.date(2021 + i, 1, 1), 664 + 4 * i, provision="art:4", **_LABOUR) for i in range(15)],
)
