"""Cadre planning (quy hoạch) and rotation (luân chuyển): the actions that record them and the rule checks behind
the planning list.

Planning is a judgement of the committee, not a right of the person: where a rule of Regulation 50-QĐ/TW is not
met (too few years of service left before retirement age, too many people planned for one post, one person planned
for too many posts) the entry is still recorded and every reader sees a warning naming the regulation, in their own
language. What cannot be an entry at all - a malformed term, a date out of range, a member outside the
organization's subtree, an organization outside the actor's scope - is refused.

Ages and retirement dates are counted at the term's reference date with the rule versions in force then; the
retirement age is the one in force on the day the person reaches it (``retirement_date`` walks the dated versions).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import get_language_bidi, ngettext
from django.utils.translation import gettext as _

from cadres.choices import PlanningEnd, Post, TheoryLevel
from cadres.models import PlanningEntry, PostHolding, Rotation
from core.actions import action
from core.dates import EARLIEST, LATEST, add_months
from core.l10n import day
from core.rules import rule_version, versions
from core.scope import OutOfScope, path_in_scope
from core.services import Refusals
from members.choices import Gender
from members.models import Member
from orgs.models import Organization
from orgs.services import check_open

TERM_LABEL = re.compile(r"^(\d{4})-(\d{4})$")
RETIREMENT_RULES = {Gender.MALE: "RETIREMENT_AGE_MONTHS_MEN", Gender.FEMALE: "RETIREMENT_AGE_MONTHS_WOMEN"}


# The rank of a post in a planning list (the party's protocol order), highest first: a standing committee member
# outranks an ordinary committee member, the executive committee's posts come before the inspection commission's.
POST_RANK = (Post.SECRETARY, Post.DEPUTY_SECRETARY, Post.STANDING_MEMBER, Post.COMMITTEE_MEMBER, Post.IC_CHAIR,
             Post.IC_DEPUTY_CHAIR, Post.IC_MEMBER)
# Keyset order of planning lists (pages, export, API): ``post_rank`` is annotated by ``with_post_rank``.
PLANNING_ORDER = ["organization_id", "term_label", "post_rank", "id"]


def with_post_rank(qs: QuerySet) -> QuerySet:
    """Annotate ``post_rank`` (0 = secretary) in SQL, so a list sorts by rank and its cursor carries the rank."""
    whens = [When(post=post.value, then=Value(i)) for i, post in enumerate(POST_RANK)]
    return qs.annotate(post_rank=Case(*whens, default=Value(len(POST_RANK)), output_field=IntegerField()))


def _today() -> dt.date:
    return timezone.localdate()


# --- ages and retirement ------------------------------------------------------------------------------------------


def age_on(birth: dt.date, on: dt.date) -> int:
    """Whole years of age on ``on``."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if months > 0 and end.day < start.day:
        months -= 1
    elif months < 0 and end.day > start.day:
        months += 1
    return months


def retirement_rule(gender: str) -> str:
    return RETIREMENT_RULES.get(gender, RETIREMENT_RULES[Gender.MALE])


def retirement(birth: dt.date, gender: str) -> tuple[dt.date, Any]:
    """The day a person reaches retirement age, and the rule version that set that age.

    The age is the one in force on the day it is reached: for each version (in force from its date until the next
    one's), the person reaches its age on ``birth + months``; the first day on which the age reached is at least the
    age in force that day is the retirement date. Before its first version a rule holds its first value.
    """
    found = versions(retirement_rule(gender))
    for i, version in enumerate(found):
        start = version.valid_from if i else dt.date.min
        end = found[i + 1].valid_from if i + 1 < len(found) else dt.date.max
        try:
            reached = add_months(birth, int(version.value))
        except ValidationError:
            continue
        first = max(start, reached)
        if first < end:
            return first, version
    last = found[-1]
    return add_months(birth, int(last.value)), last


def span_text(months: int) -> str:
    """'5 years 3 months' in the reader's language."""
    years, rest = divmod(max(months, 0), 12)
    if not rest:
        return ngettext("%(years)d year", "%(years)d years", years) % {"years": years}
    if not years:
        return ngettext("%(months)d month", "%(months)d months", rest) % {"months": rest}
    return _("%(years)s %(months)s") % {
        "years": ngettext("%(years)d year", "%(years)d years", years) % {"years": years},
        "months": ngettext("%(months)d month", "%(months)d months", rest) % {"months": rest}}


# --- warnings -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanningWarning:
    """A rule of planning not met: a code and its parameters, rendered in the reader's language when shown, with the
    regulation of the rule version applied (``rule`` on ``on``)."""

    code: str
    rule: str
    on: dt.date
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return rule_version(self.rule, self.on).citation

    @property
    def message(self) -> str:
        p = self.params
        if self.code == "past_retirement":
            text = _("Aged %(age)d on the reference date %(date)s, already past the retirement age of %(limit)s "
                     "(reached on %(retire)s).") % {
                "age": p["age"], "date": day(p["reference_date"]), "limit": span_text(p["limit_months"]),
                "retire": day(p["retire"])}
        elif self.code == "few_years_left":
            text = _("Only %(left)s of service left on the reference date %(date)s before retirement age (reached "
                     "on %(retire)s); at least %(min)s are required.") % {
                "left": span_text(p["left_months"]), "date": day(p["reference_date"]), "retire": day(p["retire"]),
                "min": span_text(p["min_years"] * 12)}
        elif self.code == "too_many_for_post":
            text = _("%(count)d people are planned for the post of %(post)s for the term %(term)s; at most %(max)d "
                     "are allowed.") % {"count": p["count"], "post": Post(p["post"]).label, "term": _iso(p["term"]),
                                        "max": p["max"]}
        elif self.code == "too_many_posts":
            text = _("This person is planned for %(count)d posts for the term %(term)s; at most %(max)d are "
                     "allowed.") % {"count": p["count"], "term": _iso(p["term"]), "max": p["max"]}
        else:  # pragma: no cover - every code is above
            text = self.code
        return _("%(warning)s (%(regulation)s)") % {"warning": text, "regulation": _iso(self.citation)}

    def __str__(self) -> str:
        return self.message


def _iso(text: Any) -> str:
    """A code or a regulation kept whole inside a right-to-left sentence (Unicode isolates; in Arabic only, as the
    templates' ``|isolate`` does with ``<bdi>``): "50-QĐ/TW" rather than "QĐ/TW-50"."""
    return f"\u2068{text}\u2069" if get_language_bidi() else str(text)


def _values(entry: PlanningEntry | Mapping[str, Any]) -> SimpleNamespace:
    if isinstance(entry, PlanningEntry):
        return SimpleNamespace(pk=entry.pk, organization_id=entry.organization_id, term_label=entry.term_label,
                               reference_date=entry.reference_date, member=entry.member, post=entry.post,
                               ended=entry.valid_to is not None)
    org = entry.get("organization")
    return SimpleNamespace(pk=entry.get("pk"), organization_id=getattr(org, "pk", org), term_label=entry["term_label"],
                           reference_date=entry["reference_date"], member=entry["member"], post=entry["post"],
                           ended=False)


def service_warnings(birth: dt.date, gender: str, reference_date: dt.date) -> tuple[list[PlanningWarning], dict]:
    """Age and years left at the reference date; returns the warnings and the figures shown in the list."""
    retire, limit = retirement(birth, gender)
    left = months_between(reference_date, retire)
    figures = {"age": age_on(birth, reference_date), "retire": retire, "left_months": max(left, 0)}
    if retire <= reference_date:
        return [PlanningWarning("past_retirement", retirement_rule(gender), retire, {
            "age": figures["age"], "reference_date": reference_date, "limit_months": int(limit.value),
            "retire": retire})], figures
    minimum = rule_version("PLANNING_MIN_YEARS_LEFT", reference_date)
    if left < int(minimum.value) * 12:
        return [PlanningWarning("few_years_left", "PLANNING_MIN_YEARS_LEFT", reference_date, {
            "left_months": left, "reference_date": reference_date, "retire": retire,
            "min_years": int(minimum.value)})], figures
    return [], figures


def _count_warnings(v: SimpleNamespace, post_count: int, person_count: int) -> list[PlanningWarning]:
    found = []
    per_post = int(rule_version("PLANNING_PER_POST_MAX", v.reference_date).value)
    if post_count > per_post:
        found.append(PlanningWarning("too_many_for_post", "PLANNING_PER_POST_MAX", v.reference_date, {
            "count": post_count, "post": v.post, "term": v.term_label, "max": per_post}))
    per_person = int(rule_version("PLANNING_POSTS_PER_PERSON_MAX", v.reference_date).value)
    if person_count > per_person:
        found.append(PlanningWarning("too_many_posts", "PLANNING_POSTS_PER_PERSON_MAX", v.reference_date, {
            "count": person_count, "term": v.term_label, "max": per_person}))
    return found


def _current() -> Any:
    return PlanningEntry.objects.filter(valid_to__isnull=True)


def planning_warnings(entry: PlanningEntry | Mapping[str, Any]) -> list[PlanningWarning]:
    """The rules of planning that ``entry`` (a saved entry, or the values of one about to be recorded: organization,
    term_label, reference_date, member, post) does not meet; empty when every rule is met. Two count queries."""
    v = _values(entry)
    found, _figures = service_warnings(v.member.birth_date, v.member.gender, v.reference_date)
    others = _current().exclude(pk=v.pk) if v.pk else _current()
    mine = 0 if v.ended else 1
    post_count = others.filter(organization_id=v.organization_id, term_label=v.term_label, post=v.post).count() + mine
    person_count = others.filter(member_id=v.member.pk, term_label=v.term_label).count() + mine
    return found + _count_warnings(v, post_count, person_count)


@dataclass
class PlanningRow:
    """One entry of the planning list with its figures at the reference date and its warnings."""

    entry: PlanningEntry
    age: int
    retire: dt.date
    left_months: int
    warnings: list[PlanningWarning]

    @property
    def left_text(self) -> str:
        return span_text(self.left_months)


def planning_rows(entries: Iterable[PlanningEntry]) -> list[PlanningRow]:
    """The rows of one page of the planning list: figures per row, the counts of the page's posts and people in two
    grouped queries (index-backed), whatever the number of rows."""
    entries = list(entries)
    current = [e for e in entries if e.valid_to is None]
    post_counts: dict[tuple, int] = {}
    person_counts: dict[tuple, int] = {}
    if current:
        terms = {e.term_label for e in current}
        for row in (_current().filter(organization_id__in={e.organization_id for e in current}, term_label__in=terms)
                    .values("organization_id", "term_label", "post").annotate(n=Count("id")).order_by()):
            post_counts[(row["organization_id"], row["term_label"], row["post"])] = row["n"]
        for row in (_current().filter(member_id__in={e.member_id for e in current}, term_label__in=terms)
                    .values("member_id", "term_label").annotate(n=Count("id")).order_by()):
            person_counts[(row["member_id"], row["term_label"])] = row["n"]
    rows = []
    for entry in entries:
        found, figures = service_warnings(entry.member.birth_date, entry.member.gender, entry.reference_date)
        if entry.valid_to is None:
            v = _values(entry)
            found += _count_warnings(v, post_counts.get((entry.organization_id, entry.term_label, entry.post), 1),
                                     person_counts.get((entry.member_id, entry.term_label), 1))
        else:
            found = []
        rows.append(PlanningRow(entry, figures["age"], figures["retire"], figures["left_months"], found))
    return rows


# --- checks -------------------------------------------------------------------------------------------------------


def _check_day(refusals: Refusals, value: Any, name: str, *, required: bool = True, not_future: bool = False) -> bool:
    if value is None:
        if required:
            refusals.add(name, _("Enter a date."))
        return False
    if not isinstance(value, dt.date) or not EARLIEST <= value <= LATEST:
        refusals.add(name, _("Enter a date between %(start)s and %(end)s.") % {"start": day(EARLIEST),
                                                                                "end": day(LATEST)})
        return False
    if not_future and value > _today():
        refusals.add(name, _("The date cannot be in the future."))
        return False
    return True


def parse_term(label: str | None) -> tuple[int, int] | None:
    match = TERM_LABEL.match((label or "").strip())
    if not match:
        return None
    start, end = int(match.group(1)), int(match.group(2))
    return (start, end) if 1930 <= start < end <= 2199 else None


def check_term_label(label: str | None) -> str:
    """A term written as its years, '2030-2035', as long as the term rule in force at its start."""
    parsed = parse_term(label)
    if parsed is None:
        raise ValidationError({"term_label": _("Write the term as its first and last year, for example 2030-2035.")})
    start, end = parsed
    term = rule_version("TERM_YEARS", dt.date(start, 1, 1))
    if end - start != int(term.value):
        raise ValidationError({"term_label": _("A term lasts %(years)d years (%(regulation)s): %(start)d-%(end)d.")
                               % {"years": int(term.value), "regulation": term.citation, "start": start,
                                  "end": start + int(term.value)}})
    return f"{start}-{end}"


def _check_org(actor: Any, org: Organization | None, name: str) -> Organization:
    if org is None:
        raise ValidationError({name: _("Choose an organization.")})
    if not path_in_scope(actor, PostHolding, "change", org.path):
        raise OutOfScope()
    return org


def _check_member_in(refusals: Refusals, actor: Any, member: Member | None, org: Organization | None, name: str,
                     org_label: str) -> Member | None:
    if member is None:
        refusals.add(name, _("Choose a party member."))
        return None
    found = Member.objects.restrict(actor, "view").select_related("organization").filter(pk=member.pk).first()
    if found is None:
        raise OutOfScope()
    if not found.is_active:
        refusals.add(name, _("This member is no longer on the active register."))
    elif org is not None and not found.organization.path.startswith(org.path):
        refusals.add(name, _("%(name)s is not a member of %(org)s or of an organization under it.")
                     % {"name": found.full_name, "org": org_label})
    return found


def check_planning(actor: Any, data: Mapping[str, Any]) -> None:
    """Every refusal of a planning entry at once (the form runs it on what cleaned)."""
    refusals = Refusals()
    org = data.get("organization")
    if org is not None:
        with refusals.collect():
            _check_org(actor, org, "organization")
            check_open(org, field_name="organization")
    if "term_label" in data:
        with refusals.collect():
            check_term_label(data.get("term_label"))
    if "reference_date" in data and _check_day(refusals, data.get("reference_date"), "reference_date"):
        parsed = parse_term(data.get("term_label"))
        if parsed and not parsed[0] - 10 <= data["reference_date"].year <= parsed[1]:
            refusals.add("reference_date", _("The reference date must fall before or within the term %(term)s.")
                         % {"term": data["term_label"]})
    if "valid_from" in data:
        _check_day(refusals, data.get("valid_from"), "valid_from", not_future=True)
    if data.get("decision_date") is not None:
        _check_day(refusals, data.get("decision_date"), "decision_date", not_future=True)
    if "post" in data and data.get("post") not in Post.values:
        refusals.add("post", _("Choose a post from the list."))
    if data.get("theory_level") not in (None, *TheoryLevel.values):
        refusals.add("theory_level", _("Choose a level from the list."))
    if "member" in data:
        _check_member_in(refusals, actor, data.get("member"), org, "member", org.name if org is not None else "")
    refusals.raise_if_any()


# --- actions ------------------------------------------------------------------------------------------------------


@action
def plan_member(actor: Any, *, organization: Organization, term_label: str, reference_date: dt.date, member: Member,
                post: str, theory_level: str = "", qualification: str = "", decision: str = "",
                decision_date: dt.date | None = None, valid_from: dt.date) -> PlanningEntry:
    """Plan a member for a post of the organization's committee in a coming term. Rules not met are warnings
    (``planning_warnings``), not refusals; the same member planned twice for the same post is refused."""
    theory_level = theory_level or ""
    check_planning(actor, {"organization": organization, "term_label": term_label, "reference_date": reference_date,
                           "member": member, "post": post, "theory_level": theory_level,
                           "decision_date": decision_date, "valid_from": valid_from})
    label = check_term_label(term_label)
    list(Member.objects.select_for_update().filter(pk=member.pk).values_list("pk", flat=True))
    if _current().filter(organization=organization, term_label=label, post=post, member_id=member.pk).exists():
        raise ValidationError({"member": _("This member is already planned for this post for the term %(term)s.")
                               % {"term": label}})
    entry = PlanningEntry(organization=organization, term_label=label, reference_date=reference_date,
                          member_id=member.pk, post=post, theory_level=theory_level,
                          qualification=(qualification or "").strip()[:120], decision=(decision or "").strip()[:64],
                          decision_date=decision_date, valid_from=valid_from)
    entry.save()
    return entry


def _locked(actor: Any, model: Any, obj: Any) -> Any:
    pk = obj.pk if isinstance(obj, model) else obj
    list(model.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))
    found = model.objects.restrict(actor, "change").filter(pk=pk).first()
    if found is None:
        raise OutOfScope()
    return found


@action
def end_planning(actor: Any, entry: PlanningEntry | int, *, on: dt.date, reason: str,
                 decision: str = "") -> PlanningEntry:
    """Take a member out of the planning (appointed, removed, no longer of age, period ended) from a date."""
    entry = _locked(actor, PlanningEntry, entry)
    refusals = Refusals()
    if entry.valid_to is not None:
        raise ValidationError(_("This planning entry has already ended."))
    if _check_day(refusals, on, "on", not_future=True) and on < entry.valid_from:
        refusals.add("on", _("The end cannot be before the start (%(date)s).") % {"date": day(entry.valid_from)})
    if reason not in PlanningEnd.values:
        refusals.add("reason", _("Choose a reason from the list."))
    refusals.raise_if_any()
    entry.valid_to = on
    entry.end_reason = reason
    entry.end_decision = (decision or "").strip()[:64]
    entry.save()
    return entry


def check_rotation(actor: Any, data: Mapping[str, Any]) -> None:
    """Every refusal of a rotation at once."""
    refusals = Refusals()
    from_org, to_org = data.get("from_org"), data.get("to_org")
    for org, name in ((from_org, "from_org"), (to_org, "to_org")):
        if org is not None:
            with refusals.collect():
                _check_org(actor, org, name)
                check_open(org, field_name=name)
    if from_org is not None and to_org is not None and from_org.pk == to_org.pk:
        refusals.add("to_org", _("A rotation goes to another organization."))
    valid = _check_day(refusals, data.get("valid_from"), "valid_from", not_future=True)
    if data.get("planned_end") is not None and _check_day(refusals, data.get("planned_end"), "planned_end") and valid \
            and data["planned_end"] <= data["valid_from"]:
        refusals.add("planned_end", _("The planned end must come after the start."))
    if data.get("decision_date") is not None:
        _check_day(refusals, data.get("decision_date"), "decision_date", not_future=True)
    if "decision" in data and not (data.get("decision") or "").strip():
        refusals.add("decision", _("Enter the deciding document."))
    if "member" in data:
        member = _check_member_in(refusals, actor, data.get("member"), from_org, "member",
                                  from_org.name if from_org is not None else "")
        if member is not None and valid and Rotation.objects.filter(
                Q(valid_to__isnull=True) | Q(valid_to__gt=data["valid_from"]), member_id=member.pk).exists():
            refusals.add("member", _("This member is already on a rotation on that date; end it first."))
    refusals.raise_if_any()


@action
def record_rotation(actor: Any, *, member: Member, from_org: Organization, to_org: Organization, position: str = "",
                    valid_from: dt.date, planned_end: dt.date | None = None, decision: str,
                    decision_date: dt.date | None = None) -> Rotation:
    """A cadre sent from one organization to work in another for a period, by decision; both sides need the right
    to record compositions."""
    list(Member.objects.select_for_update().filter(pk=getattr(member, "pk", None)).values_list("pk", flat=True))
    check_rotation(actor, {"member": member, "from_org": from_org, "to_org": to_org, "valid_from": valid_from,
                           "planned_end": planned_end, "decision": decision, "decision_date": decision_date})
    rotation = Rotation(member_id=member.pk, from_org=from_org, to_org=to_org, position=(position or "").strip()[:120],
                        valid_from=valid_from, planned_end=planned_end, decision=decision.strip()[:64],
                        decision_date=decision_date)
    rotation.save()
    return rotation


@action
def end_rotation(actor: Any, rotation: Rotation | int, *, on: dt.date) -> Rotation:
    """The rotated cadre's period of work ends (returned, or moved on) on a date."""
    rotation = _locked(actor, Rotation, rotation)
    if not path_in_scope(actor, PostHolding, "change", rotation.from_org.path) and \
            not path_in_scope(actor, PostHolding, "change", rotation.to_org.path):
        raise OutOfScope()
    if rotation.valid_to is not None:
        raise ValidationError(_("This rotation has already ended."))
    refusals = Refusals()
    if _check_day(refusals, on, "on", not_future=True) and on < rotation.valid_from:
        refusals.add("on", _("The end cannot be before the start (%(date)s).") % {"date": day(rotation.valid_from)})
    refusals.raise_if_any()
    rotation.valid_to = on
    rotation.save()
    return rotation


# --- member events ------------------------------------------------------------------------------------------------


def end_plans_of_member(member: Any, on: dt.date, *, keep_under: str = "", rotations: bool = True) -> int:
    """End a member's open planning entries (and rotations) when the member leaves, dies or moves.

    Runs inside the lifecycle's action (a member listener) as audited bulk updates, like the posts the member held
    (``cadres.services.end_holdings_of_member``): the clerk who records a death need not hold the right on the
    committees that planned the member. A member who moves keeps the entries of the committees whose subtree the new
    organization is in (``keep_under``); one begun after ``on`` becomes an entry of no day. Returns how many ended."""
    entries = _current().filter(member_id=member.pk).select_related("organization")
    ids = [e.pk for e in entries if not (keep_under and keep_under.startswith(e.organization.path or ""))]
    ended = 0
    if ids:
        ending = PlanningEntry.objects.filter(pk__in=ids)
        ended += ending.filter(valid_from__lte=on).update(valid_to=on, end_reason=PlanningEnd.REMOVED)
        ended += ending.filter(valid_from__gt=on).update(valid_to=F("valid_from"), end_reason=PlanningEnd.REMOVED)
    if rotations:
        open_rotations = Rotation.objects.filter(member_id=member.pk, valid_to__isnull=True)
        ended += open_rotations.filter(valid_from__lte=on).update(valid_to=on)
        ended += open_rotations.filter(valid_from__gt=on).update(valid_to=F("valid_from"))
    return ended


def on_member_left(member: Any, on: dt.date, **_details: Any) -> None:
    end_plans_of_member(member, on)


def on_member_moved(member: Any, on: dt.date, *, to_org: Any = None, **_details: Any) -> None:
    end_plans_of_member(member, on, keep_under=getattr(to_org, "path", None) or "", rotations=False)
