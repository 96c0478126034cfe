from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgType(models.TextChoices):
    CENTRAL = "central", _("Central Committee")
    LEVEL1 = "level1", _("Party committee directly under the Centre")
    INTERMEDIATE = "intermediate", _("Upper-grassroots party committee")
    GRASSROOTS_COMMITTEE = "grassroots_committee", _("Grassroots party committee")
    GRASSROOTS_CELL = "grassroots_cell", _("Grassroots party cell")
    SUB_COMMITTEE = "sub_committee", _("Party sub-committee")
    CELL = "cell", _("Party cell")


# Which types may stand under which: depth varies by branch, so this is a rule table, not a level number.
ALLOWED_CHILDREN = {
    OrgType.CENTRAL: {OrgType.LEVEL1},
    OrgType.LEVEL1: {OrgType.INTERMEDIATE, OrgType.GRASSROOTS_COMMITTEE, OrgType.GRASSROOTS_CELL},
    OrgType.INTERMEDIATE: {OrgType.INTERMEDIATE, OrgType.GRASSROOTS_COMMITTEE, OrgType.GRASSROOTS_CELL},
    OrgType.GRASSROOTS_COMMITTEE: {OrgType.SUB_COMMITTEE, OrgType.CELL},
    OrgType.SUB_COMMITTEE: {OrgType.CELL},
    OrgType.GRASSROOTS_CELL: set(),
    OrgType.CELL: set(),
}

# Organizations that hold members directly (a member's "current organization").
MEMBER_HOLDING_TYPES = {OrgType.CELL, OrgType.GRASSROOTS_CELL}
