from django.db import models
from django.utils.translation import gettext_lazy as _


class ReorgKind(models.TextChoices):
    ESTABLISH = "establish", _("Establish")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    TRANSFER = "transfer", _("Transfer")
    DISSOLVE = "dissolve", _("Dissolve")
    CHANGE = "change", _("Rename or change type")


class ReorgState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    APPLIED = "applied", _("Applied")
    CANCELLED = "cancelled", _("Cancelled")
    FAILED = "failed", _("Failed")


class LinkKind(models.TextChoices):
    MERGED = "merged", _("Merged into")
    SPLIT = "split", _("Split into")
    DISSOLVED = "dissolved", _("Dissolved, contents moved to")


class SplitRule(models.TextChoices):
    LIST = "list", _("Every member and sub-organization assigned by list")
    REST_TO_FIRST = "rest_to_first", _("Those not listed go to the first part")
    BALANCE = "balance", _("Members not listed are shared out evenly")
