from django.db import models
from django.utils.translation import gettext_lazy as _

from members.choices import MemberStatus


class CaseState(models.TextChoices):
    APPLIED = "applied", _("Application received")
    CELL_RESOLVED = "cell_resolved", _("Cell resolution adopted")
    COMMITTEE_DECIDED = "committee_decided", _("Admission decided by the committee")
    PROBATION = "probation", _("On probation")
    OFFICIAL = "official", _("Recognized as official member")
    STRUCK_OFF = "struck_off", _("Struck from the list")
    WITHDRAWN = "withdrawn", _("Withdrawn or rejected")


OPEN_CASE_STATES = (CaseState.APPLIED, CaseState.CELL_RESOLVED, CaseState.COMMITTEE_DECIDED, CaseState.PROBATION)


class TransferKind(models.TextChoices):
    OFFICIAL = "official", _("Official transfer")
    TEMPORARY = "temporary", _("Temporary activity")


class LetterState(models.TextChoices):
    ISSUED = "issued", _("Issued, in transit")
    RECEIVED = "received", _("Received")
    RETURNED = "returned", _("Returned to the sender")
    CANCELLED = "cancelled", _("Cancelled")
    ENDED = "ended", _("Temporary activity ended")


class LeavingKind(models.TextChoices):
    VOLUNTARY = "voluntary", _("Voluntary leave")
    REMOVAL = "removal", _("Removal from the list")
    EXPULSION = "expulsion", _("Expulsion")
    DEATH = "death", _("Death")


# Reasons written by code are stored as codes (a case closed when its member left: the leaving kind; a letter
# cancelled by the member's death), shown in the reader's language; a reason a person typed is shown as written.
CASE_REASONS = {kind.value: kind.label for kind in LeavingKind}
LETTER_DEATH = "death"
LETTER_REASONS = {LETTER_DEATH: _("The member died.")}


def reason_label(reasons: dict, value: str) -> str:
    """A stored reason in the reader's language: a code's label, or the text as it was typed."""
    label = reasons.get(value)
    return str(label) if label is not None else value


LEAVING_STATUS = {
    LeavingKind.VOLUNTARY: MemberStatus.LEFT,
    LeavingKind.REMOVAL: MemberStatus.STRUCK_OFF,
    LeavingKind.EXPULSION: MemberStatus.EXPELLED,
    LeavingKind.DEATH: MemberStatus.DECEASED,
}

# Former members who may apply again (a deceased person cannot; a transferred-out record lives elsewhere).
READMITTABLE_STATUSES = (MemberStatus.LEFT, MemberStatus.STRUCK_OFF, MemberStatus.EXPELLED)
