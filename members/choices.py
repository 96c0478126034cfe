from django.db import models
from django.utils.translation import gettext_lazy as _


class MemberStatus(models.TextChoices):
    PROBATIONARY = "probationary", _("Probationary member")
    OFFICIAL = "official", _("Official member")
    TRANSFERRED_OUT = "transferred_out", _("Transferred out")
    LEFT = "left", _("Left the party")
    STRUCK_OFF = "struck_off", _("Struck from the list")
    EXPELLED = "expelled", _("Expelled")
    DECEASED = "deceased", _("Deceased")


ACTIVE_STATUSES = (MemberStatus.PROBATIONARY, MemberStatus.OFFICIAL)


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class HistoryEvent(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ADMITTED = "admitted", _("Admitted")
    RECOGNIZED = "recognized", _("Recognized as official member")
    TRANSFERRED = "transferred", _("Transferred")
    STATUS_CHANGED = "status_changed", _("Status changed")
    REORGANIZED = "reorganized", _("Organization reorganized")
