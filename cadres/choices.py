"""Codes of committee work: how a term opens, the bodies of a term, the posts in them and how holding a post ends."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TermOpening(models.TextChoices):
    CONGRESS = "congress", _("Elected by the congress")
    APPOINTMENT = "appointment", _("Appointed by the higher committee")


class TermClosing(models.TextChoices):
    NEXT_TERM = "next_term", _("Next term opened")
    REORGANIZED = "reorganized", _("Organization reorganized")
    DISSOLVED = "dissolved", _("Organization dissolved")


class BodyKind(models.TextChoices):
    EXECUTIVE_COMMITTEE = "executive_committee", _("Executive committee")
    STANDING_COMMITTEE = "standing_committee", _("Standing committee")
    INSPECTION_COMMISSION = "inspection_commission", _("Inspection commission")


class Post(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    COMMITTEE_MEMBER = "committee_member", _("Committee member")
    STANDING_MEMBER = "standing_member", _("Standing committee member")
    IC_CHAIR = "ic_chair", _("Chair of the inspection commission")
    IC_DEPUTY_CHAIR = "ic_deputy_chair", _("Deputy chair of the inspection commission")
    IC_MEMBER = "ic_member", _("Member of the inspection commission")


# The posts each body has; the first is its head (a body without its head is vacant whatever its size).
BODY_POSTS = {
    BodyKind.EXECUTIVE_COMMITTEE: (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.COMMITTEE_MEMBER),
    BodyKind.STANDING_COMMITTEE: (Post.STANDING_MEMBER,),
    BodyKind.INSPECTION_COMMISSION: (Post.IC_CHAIR, Post.IC_DEPUTY_CHAIR, Post.IC_MEMBER),
}
HEAD_POSTS = {BodyKind.EXECUTIVE_COMMITTEE: Post.SECRETARY, BodyKind.INSPECTION_COMMISSION: Post.IC_CHAIR}


class Selection(models.TextChoices):
    """How the holder came to the post."""

    ELECTED = "elected", _("Elected")
    APPOINTED = "appointed", _("Appointed")
    DESIGNATED = "designated", _("Designated")


class HoldingEnd(models.TextChoices):
    TERM_ENDED = "term_ended", _("Term ended")
    MOVED = "moved", _("Moved to other work")
    DISMISSED = "dismissed", _("Dismissed")
    RESIGNED = "resigned", _("Resigned")
    RETIRED = "retired", _("Retired")
    DECEASED = "deceased", _("Deceased")
    REORGANIZED = "reorganized", _("Organization reorganized")


# The role a post grants on the organization's subtree while it is held (access follows posts); a post not listed
# grants nothing. Role codes are accounts.choices.RoleCode values (cadres only names them).
POST_ROLES = {
    Post.SECRETARY: "secretary",
    Post.DEPUTY_SECRETARY: "deputy_secretary",
    Post.IC_CHAIR: "inspection_officer",
    Post.IC_DEPUTY_CHAIR: "inspection_officer",
    Post.IC_MEMBER: "inspection_officer",
}


class TheoryLevel(models.TextChoices):
    """Political theory training (lý luận chính trị)."""

    NONE = "", _("None")
    ELEMENTARY = "elementary", _("Elementary")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")
    BACHELOR = "bachelor", _("Bachelor's degree")


class PlanningEnd(models.TextChoices):
    APPOINTED = "appointed", _("Appointed to the post")
    REMOVED = "removed", _("Removed from the planning")
    AGE = "age", _("No longer of age")
    TERM_ENDED = "term_ended", _("Planning period ended")
