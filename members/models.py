"""The member registry and each member's dated history of organization and status."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _

from core import l10n
from core.models import AuditedModel, AuditedQuerySet, DatedRecord
from core.pagination import any_row
from core.search import (
    TYPO_MIN_LETTERS,
    digits_query,
    fuzzy_words_q,
    name_words_indexed,
    prefix_term,
    query_words,
    term_branches,
    terms_q,
    typo_terms,
    word_branches,
    word_tiers,
    words_q,
)
from core.text import given_name_key, search_key
from core.tree import prefix_q
from members.choices import ACTIVE_STATUSES, Gender, HistoryEvent, MemberStatus

MIN_ID_DIGITS = 4  # a shorter number is in too many IDs to be a search


class MemberQuerySet(AuditedQuerySet):
    _keyset_branches: list[models.Q] | None = None  # a word search's branches (core.search.word_branches)
    # the query as typed first (core.search.word_tiers): (filter, read in branches? or its own branches)
    _keyset_tiers: list[tuple[models.Q, bool | list[models.Q]]] | None = None

    # Where the rows lie, as far as known: the paths of the user's grants (restrict) or of within_path; None: the
    # whole party or unknown. A search may read its word table in these subtrees (core.search.terms_q); the rows
    # are still filtered by the scope itself.
    _search_paths: list[str] | None = None

    def _clone(self):
        clone = super()._clone()
        clone._keyset_branches = self._keyset_branches
        clone._keyset_tiers = self._keyset_tiers
        clone._search_paths = self._search_paths
        return clone

    def restrict(self, user, action: str = "view", *, sides=None) -> MemberQuerySet:
        """``ScopedQuerySet.restrict``, remembering the granted paths for a search (``_search_paths``)."""
        from core.scope import scope_q, scope_top_paths

        q = scope_q(user, self.model, action, sides=sides)
        if q is None:
            return self
        qs = self.filter(q)
        qs._search_paths = list(scope_top_paths(user, self.model, action) or [])
        return qs

    def active(self) -> MemberQuerySet:
        return self.filter(status__in=ACTIVE_STATUSES)

    def within_path(self, path: str) -> MemberQuerySet:
        qs = self.filter(prefix_q("organization__path", path))
        qs._search_paths = [path]
        return qs

    def search(self, text: str) -> MemberQuerySet:
        """By the words of the name in any order (``core.search``), or by part of a citizen ID or card number."""
        return self.search_noting_typos(text)[0]

    def search_noting_typos(self, text: str) -> tuple[MemberQuerySet, bool]:
        """The search and whether it fell back to typo tolerance (no exact match; PostgreSQL only).

        A number of at least ``MIN_ID_DIGITS`` digits is looked for inside the citizen ID and the party card
        number (trigram indexes on PostgreSQL); a shorter one finds nothing rather than half the registry.
        """
        text = (text or "").strip()
        if not text:
            return self, False
        digits = digits_query(text)
        if digits is not None:
            if len(digits) < MIN_ID_DIGITS:
                return self.none(), False
            return self.filter(models.Q(citizen_id__contains=digits) | models.Q(party_card_no__contains=digits)), False
        words = query_words(text)
        if not words:
            return self.none(), False
        if name_words_indexed():
            # PostgreSQL: the name order walked, or the word table read from the rarest word (members/0011).
            terms = [prefix_term(w) for w in words]
            exact = self.filter(terms_q(terms))
            exact._keyset_branches = term_branches(terms, self._search_paths)
            exact._keyset_tiers = word_tiers("name_key", words)
            if not any(len(word) >= TYPO_MIN_LETTERS for word in words) or any_row(exact):
                return exact, False
            typos = typo_terms(words)
            if typos is None:
                return exact, False
            loose = self.filter(terms_q(typos[0]))
            loose._keyset_branches = term_branches(typos[0], self._search_paths)
            loose._keyset_tiers = typos[1]
            return loose, True
        exact = self.filter(words_q("name_key", words))
        exact._keyset_branches = word_branches("name_key", words)
        exact._keyset_tiers = word_tiers("name_key", words)
        loose = fuzzy_words_q("name_key", words, marked=True)
        if loose is not None and not any_row(exact):
            return self.filter(loose), True
        return exact, False


class PersonRecord(models.Model):
    """A person as the registry records them: shared by members and by applicants for admission."""

    full_name = models.CharField(_("full name"), max_length=120)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(_("ethnicity"), max_length=40, blank=True)
    religion = models.CharField(_("religion"), max_length=40, blank=True)
    home_town = models.CharField(_("home town"), max_length=120, blank=True)
    education = models.CharField(_("education"), max_length=80, blank=True)
    occupation = models.CharField(_("occupation"), max_length=120, blank=True)

    class Meta:
        abstract = True


class Member(PersonRecord, AuditedModel):
    name_key = models.CharField(max_length=120, editable=False)
    given_key = models.CharField(max_length=120, editable=False)
    citizen_id = models.CharField(_("citizen ID"), max_length=12, unique=True, null=True, blank=True)
    party_card_no = models.CharField(_("party card number"), max_length=12, unique=True, null=True, blank=True)
    admission_date = models.DateField(_("admission date"))
    official_date = models.DateField(_("official date"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices)
    status_since = models.DateField(_("status since"), null=True, blank=True)
    organization = models.ForeignKey(
        "orgs.Organization", verbose_name=_("party organization"), on_delete=models.PROTECT, related_name="members",
        db_index=False,  # member_org_status_idx leads with the organization
    )
    lock_version = models.PositiveIntegerField(default=0, editable=False)

    # The member's place is its organization's path, read through the join: a reorganization that moves a
    # subtree rewrites organization rows only, never the registry (see reorg.services._move_group).
    scope_path_field = "organization__path"
    audit_exclude = {"name_key", "given_key", "lock_version"}
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("party member")
        verbose_name_plural = _("party members")
        ordering = ["name_key", "id"]
        indexes = [
            models.Index(fields=["name_key", "id"], name="member_name_order_idx"),
            models.Index(fields=["name_key"], opclasses=["varchar_pattern_ops"], name="member_name_prefix_idx"),
            models.Index(fields=["given_key"], opclasses=["varchar_pattern_ops"], name="member_given_prefix_idx"),
            models.Index(fields=["status", "admission_date"], name="member_status_adm_idx"),
            models.Index(fields=["birth_date", "id"], name="member_birth_order_idx"),
            models.Index(fields=["admission_date", "id"], name="member_adm_order_idx"),
            models.Index(fields=["organization", "status"], name="member_org_status_idx"),
        ]
        permissions = [
            ("export_member", "Can export members"),
            ("correct_member", "Can correct members' personal data"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = search_key(self.full_name)
        self.given_key = given_name_key(self.full_name)
        super().save(*args, **kwargs)

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    def party_age_years(self, on: dt.date) -> int:
        years = on.year - self.admission_date.year
        if (on.month, on.day) < (self.admission_date.month, self.admission_date.day):
            years -= 1
        return years


class MemberHistoryQuerySet(AuditedQuerySet):
    def as_of(self, on: dt.date) -> MemberHistoryQuerySet:
        return self.filter(DatedRecord.as_of_q(on))


class MemberHistory(DatedRecord, AuditedModel):
    """Where a member was and in which status, from one date to the next."""

    valid_from = models.DateField(_("valid from"))  # indexed with the organization and status (Meta.indexes)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    # No index of its own: mhist_member_idx starts with it.
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="history", db_index=False)
    organization = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="member_history",
                                     db_index=False)  # mhist_org_asof_idx leads with it
    status = models.CharField(_("status"), max_length=16, choices=MemberStatus.choices)
    event = models.CharField(_("event"), max_length=16, choices=HistoryEvent.choices)
    decision = models.CharField(_("deciding document"), max_length=64, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True)
    # A note written by code (``core.phrases.Said``) as message id + parameters, shown in the reader's language;
    # ``note`` keeps its text in the writer's language (and a note typed by a person).
    note_text = models.JSONField(_("note (code)"), null=True, blank=True)

    # Two sides: the member's organization now reads the whole record, and an organization the member has left
    # (by transfer, merger...) still reads the rows of the member's time in it, up to the day of leaving.
    scope_path_field = "member__organization__path"
    scope_sides = ("member__organization__path", "organization__path")
    scope_permission_model = "members.member"
    scope_check_on_write = False
    audit_repr_is_text = True
    objects = MemberHistoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("member history entry")
        verbose_name_plural = _("member history")
        ordering = ["member", "valid_from", "id"]
        indexes = [
            models.Index(fields=["member", "valid_from"], name="mhist_member_idx"),
            # The as-of member count (reorg.services.member_count_as_of) reads the rows opened after a date from
            # mhist_from_idx and those closed after it from mhist_to_idx, or for an old date and a small subtree
            # an organization's rows from mhist_org_asof_idx: index-only on both databases (SQLite ignores
            # INCLUDE, hence key columns). They replace the single-column date indexes of DatedRecord.
            models.Index(fields=["organization", "valid_from", "valid_to", "status"], name="mhist_org_asof_idx"),
            models.Index(fields=["valid_from", "organization", "valid_to", "status"], name="mhist_from_idx"),
            models.Index(fields=["valid_to", "organization", "valid_from", "status"], name="mhist_to_idx",
                          condition=models.Q(valid_to__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.event} {self.valid_from}"

    def audit_text(self) -> str:
        """How the audit trail names this row, in the reader's language (``str`` stays cheap for bulk imports)."""
        return f"{self.get_event_display()} {l10n.day(self.valid_from)}"
