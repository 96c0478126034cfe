"""Validate and import member rows in batches: all-or-nothing, or the valid rows only.

Every row is checked (required fields, dates, citizen ID, organization code within the chosen
organization and the user's scope, duplicates in the file and in the registry) with **one query per
batch** for organizations, citizen IDs and party cards, never one per row. The registry's own rules
come from ``members.services.validate_member`` (called without the ID fields, so it runs no query).

Idempotent: a row whose citizen ID is already registered with the same data is *unchanged* and
skipped; with different data it is an error. Writes use the audited ``bulk_create`` (one audit row
per member and history row) and one counter update per distinct delta per batch.

- ``all``: one transaction around everything; any error row (or a cancel) rolls it all back.
- ``valid``: one transaction per batch, committed together with the job's checkpoint, so a cancel
  stops after a whole batch and a crashed job resumes after the last committed one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext as _

from core.actions import acting
from core.scope import path_in_scope
from core.text import given_name_key, search_key
from core.tree import ancestor_ids
from exchange.readers import Table, parse_date
from exchange.template import BY_KEY, choice_aliases, header_label
from members.choices import HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from members.services import validate_member
from members.validators import validate_citizen_id, validate_party_card_no
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization

BATCH_SIZE = 2000
MODES = ("all", "valid")
COMPARED = ("full_name", "gender", "birth_date", "party_card_no", "status", "admission_date", "official_date",
            "organization_code", "ethnicity", "religion", "home_town", "education", "occupation")


class Rollback(Exception):
    """Leave the all-or-nothing transaction without writing anything."""


@dataclass
class RowError:
    row: int
    column: str  # machine key, "" for the row as a whole
    value: str
    message: str


@dataclass
class Stats:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    error_rows: int = 0
    last_row: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class ParsedRow:
    number: int
    data: dict[str, Any]
    present: set[str]
    errors: list[RowError] = field(default_factory=list)
    outcome: str = ""  # "new" | "unchanged" | "error"


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value).strip()


def _digits(value: Any, width: int | None = None) -> str:
    """IDs typed into number cells lose their leading zero; give it back for 12-digit citizen IDs."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)) and float(value).is_integer() and value >= 0:
        text = str(int(value))
        return text.zfill(width) if width and len(text) < width else text
    return _text(value)


def parse_row(number: int, raw: dict[str, Any]) -> ParsedRow:
    """Turn raw cell values into typed member data, collecting every problem of the row."""
    row = ParsedRow(number, {}, set(raw))
    choices = choice_aliases()

    def err(key: str, value: Any, message: str) -> None:
        row.errors.append(RowError(number, key, _text(value)[:200], message))

    for key, value in raw.items():
        column = BY_KEY[key]
        if isinstance(value, str) and value.lstrip().startswith("="):
            err(key, value, _("Formulas are not accepted: enter the value itself."))
            continue
        if value is None or (isinstance(value, str) and not value.strip()):
            row.data[key] = None
            continue
        kind = column.kind
        if kind == "date":
            parsed = parse_date(value)
            if parsed is None:
                err(key, value, _("This is not a date. Use an Excel date or dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy."))
            row.data[key] = parsed
        elif kind in ("gender", "status"):
            code = choices[kind].get(" ".join(_text(value).lower().split()))
            if code is None:
                err(key, value, _("Use M or F.") if kind == "gender" else
                    _("A new record is a probationary or an official member."))
            row.data[key] = code
        elif kind == "citizen_id":
            row.data[key] = _digits(value, 12)
        elif kind == "card":
            row.data[key] = _digits(value)
        else:
            text = _text(value)
            if column.max_length and len(text) > column.max_length:
                err(key, value, _("At most %(n)d characters.") % {"n": column.max_length})
            row.data[key] = text
    failed = {e.column for e in row.errors}
    for key in ("full_name", "gender", "birth_date", "citizen_id", "status", "admission_date", "organization_code"):
        if key not in failed and not row.data.get(key):
            err(key, "", _("This field is required."))
    failed = {e.column for e in row.errors}
    if not failed & {"status", "official_date"}:
        status, official = row.data.get("status"), row.data.get("official_date")
        if status == MemberStatus.OFFICIAL and not official:
            err("official_date", "", _("An official member needs the date of recognition."))
        elif status == MemberStatus.PROBATIONARY and official:
            err("official_date", official, _("A probationary member has no official date yet."))
    # The registry's own rules (names, dates, age at admission), without its per-row ID queries.
    personal = {k: row.data.get(k) for k in ("full_name", "birth_date", "admission_date", "official_date")
                if k not in failed}
    try:
        cleaned = validate_member(personal)
        if "full_name" in cleaned:
            row.data["full_name"] = cleaned["full_name"]
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            for message in messages:
                err(key if key in BY_KEY else "", row.data.get(key), message)
    failed = {e.column for e in row.errors}
    if row.data.get("citizen_id") and "citizen_id" not in failed:
        try:
            validate_citizen_id(row.data["citizen_id"],
                                birth_date=None if "birth_date" in failed else row.data.get("birth_date"),
                                gender=None if "gender" in failed else row.data.get("gender"))
        except ValidationError as exc:
            err("citizen_id", row.data["citizen_id"], " ".join(exc.messages))
    if row.data.get("party_card_no"):
        try:
            validate_party_card_no(row.data["party_card_no"])
        except ValidationError as exc:
            err("party_card_no", row.data["party_card_no"], " ".join(exc.messages))
    if row.errors:
        row.outcome = "error"
    return row


class ErrorLog:
    """Error rows appended as JSON lines (flushed with each batch); the XLSX report is built at the end."""

    def __init__(self, path: Path, resume_offset: int = 0) -> None:
        self.path = path
        self.handle = open(path, "a+b")
        self.handle.truncate(resume_offset)
        self.handle.seek(resume_offset)
        self.sample: list[dict[str, Any]] = []

    def add(self, errors: Iterable[RowError]) -> None:
        for error in errors:
            record = asdict(error)
            if len(self.sample) < 20:
                self.sample.append(record)
            self.handle.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")

    def offset(self) -> int:
        self.handle.flush()
        return self.handle.tell()

    def close(self) -> None:
        self.handle.close()


def read_errors(path: Path) -> Iterator[RowError]:
    with open(path, "rb") as handle:
        for line in handle:
            yield RowError(**json.loads(line))


class MemberImporter:
    def __init__(self, actor: Any, root: Organization, mode: str, errors: ErrorLog, *,
                 batch_size: int | None = None) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        self.actor, self.root, self.mode, self.errors = actor, root, mode, errors
        self.batch_size = batch_size or int(getattr(settings, "EXCHANGE_BATCH_SIZE", BATCH_SIZE))
        self.stats = Stats()
        self.orgs: dict[str, dict[str, Any] | None] = {}
        self.seen_ids: set[int] = set()
        self.seen_cards: set[int] = set()

    # --- lookups, one query per batch -----------------------------------------------------------------
    def _load_orgs(self, codes: set[str]) -> None:
        missing = [c for c in codes if c not in self.orgs]
        for start in range(0, len(missing), 900):
            chunk = missing[start:start + 900]
            found = {o["code"]: o for o in Organization.objects.filter(code__in=chunk).values(
                "id", "code", "path", "org_type", "dissolved_on")}
            for code in chunk:
                self.orgs[code] = found.get(code)

    def _org_problem(self, org: dict[str, Any] | None) -> str:
        if (org is None or not org["path"] or not org["path"].startswith(self.root.path)
                or not path_in_scope(self.actor, Member, "add", org["path"])):
            return _("No organization with this code among those you may import into (%(root)s and below).") % {
                "root": self.root.code}
        if org["dissolved_on"] is not None:
            return _("This organization has been dissolved.")
        if org["org_type"] not in MEMBER_HOLDING_TYPES:
            return _("Members belong to a party cell or a grassroots party cell.")
        return ""

    def check_batch(self, rows: list[ParsedRow]) -> None:
        self._load_orgs({r.data["organization_code"] for r in rows if r.data.get("organization_code")})
        ids = {r.data["citizen_id"] for r in rows if r.outcome != "error" and r.data.get("citizen_id")}
        cards = {r.data["party_card_no"] for r in rows if r.outcome != "error" and r.data.get("party_card_no")}
        existing = {m["citizen_id"]: m for m in Member.objects.filter(citizen_id__in=ids).values(
            "citizen_id", "org_path", "organization__code", *[f for f in COMPARED if f != "organization_code"])}
        card_owner = dict(Member.objects.filter(party_card_no__in=cards).values_list("party_card_no", "citizen_id"))
        for row in rows:
            if row.outcome == "error":
                self._remember(row)
                continue
            code = row.data["organization_code"]
            problem = self._org_problem(self.orgs.get(code))
            if problem:
                row.errors.append(RowError(row.number, "organization_code", code, problem))
            cid = row.data["citizen_id"]
            current = existing.get(cid)
            if int(cid) in self.seen_ids:
                row.errors.append(RowError(row.number, "citizen_id", cid,
                                           _("This citizen ID appears more than once in the file.")))
            elif current is not None:
                if not path_in_scope(self.actor, Member, "view", current["org_path"]):
                    row.errors.append(RowError(row.number, "citizen_id", cid,
                                               _("Another member already has this citizen ID.")))
                else:
                    differing = self._differences(row, current)
                    if differing:
                        row.errors.append(RowError(
                            row.number, "citizen_id", cid,
                            _("This citizen ID is already registered with different data (%(columns)s).")
                            % {"columns": ", ".join(header_label(k) for k in differing)}))
                    elif not row.errors:
                        row.outcome = "unchanged"
            card = row.data.get("party_card_no")
            if card and current is None:
                owner = card_owner.get(card)
                if int(card) in self.seen_cards or (owner is not None and owner != cid):
                    row.errors.append(RowError(row.number, "party_card_no", card,
                                               _("Another member already has this party card number.")))
            if row.errors:
                row.outcome = "error"
            elif not row.outcome:
                row.outcome = "new"
            self._remember(row)

    def _remember(self, row: ParsedRow) -> None:
        if row.outcome in ("new", "unchanged"):
            self.seen_ids.add(int(row.data["citizen_id"]))
            if row.data.get("party_card_no"):
                self.seen_cards.add(int(row.data["party_card_no"]))

    @staticmethod
    def _differences(row: ParsedRow, current: dict[str, Any]) -> list[str]:
        differing = []
        for key in COMPARED:
            if key not in row.present:
                continue
            new = row.data.get(key)
            old = current["organization__code"] if key == "organization_code" else current.get(key)
            if (new or None) != (old or None):
                differing.append(key)
        return differing

    # --- writing ------------------------------------------------------------------------------------
    def write(self, rows: list[ParsedRow]) -> int:
        new = [r for r in rows if r.outcome == "new"]
        if not new:
            return 0
        members = []
        for r in new:
            d, org = r.data, self.orgs[r.data["organization_code"]]
            members.append(Member(
                full_name=d["full_name"], name_key=search_key(d["full_name"]), given_key=given_name_key(d["full_name"]),
                gender=d["gender"], birth_date=d["birth_date"], citizen_id=d["citizen_id"],
                party_card_no=d.get("party_card_no") or None, status=d["status"], admission_date=d["admission_date"],
                official_date=d.get("official_date"), status_since=d.get("official_date") or d["admission_date"],
                organization_id=org["id"], org_path=org["path"],
                **{k: d.get(k) or "" for k in ("ethnicity", "religion", "home_town", "education", "occupation")}))
        created = Member.objects.bulk_create(members)
        history = []
        deltas: dict[tuple[int, str, str], int] = defaultdict(int)
        for m in created:
            recognized = m.status == MemberStatus.OFFICIAL and m.official_date and m.official_date > m.admission_date
            history.append(MemberHistory(
                member=m, organization_id=m.organization_id, event=HistoryEvent.REGISTERED,
                status=MemberStatus.PROBATIONARY if recognized else m.status, valid_from=m.admission_date,
                valid_to=m.official_date if recognized else None))
            if recognized:
                history.append(MemberHistory(member=m, organization_id=m.organization_id, status=m.status,
                                             event=HistoryEvent.RECOGNIZED, valid_from=m.official_date))
            deltas[(m.organization_id, m.org_path, m.status)] += 1
        MemberHistory.objects.bulk_create(history)
        apply_counter_deltas(deltas)
        return len(created)

    # --- driving --------------------------------------------------------------------------------------
    def batches(self, table: Table, start_after: int = 0) -> Iterator[list[ParsedRow]]:
        batch: list[ParsedRow] = []
        for number, raw in table.rows(start_after):
            batch.append(parse_row(number, raw))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def process(self, batch: list[ParsedRow], *, write: bool) -> None:
        self.check_batch(batch)
        self.stats.rows += len(batch)
        self.stats.last_row = batch[-1].number
        bad = [r for r in batch if r.outcome == "error"]
        self.stats.error_rows += len(bad)
        self.stats.unchanged += sum(1 for r in batch if r.outcome == "unchanged")
        for r in bad:
            self.errors.add(r.errors)
        if write:
            self.stats.created += self.write(batch)

    def run_all(self, table: Table, *, between: Callable[[Stats], None] | None = None) -> Stats:
        """All or nothing: one transaction; any error row or a cancel (raised by ``between``) rolls back."""
        try:
            with acting(self.actor, "exchange.import_members"):
                for batch in self.batches(table):
                    self.process(batch, write=self.stats.error_rows == 0)
                    if between is not None:
                        between(self.stats)
                if self.stats.error_rows:
                    raise Rollback()
        except Rollback:
            self.stats.created = 0
        return self.stats

    def run_valid(self, table: Table, *, start_after: int = 0,
                  checkpoint: Callable[[Stats, int], None] | None = None,
                  between: Callable[[Stats], None] | None = None) -> Stats:
        """Valid rows only: each batch commits with its checkpoint; ``between`` runs after each commit."""
        for batch in self.batches(table, start_after):
            with acting(self.actor, "exchange.import_members"):
                self.process(batch, write=True)
                if checkpoint is not None:
                    checkpoint(self.stats, self.errors.offset())
            if between is not None:
                between(self.stats)
        return self.stats


def apply_counter_deltas(deltas: dict[tuple[int, str, str], int]) -> None:
    """Counters of each organization and its ancestors, one UPDATE per distinct (column, delta)."""
    by_field: dict[tuple[str, int], list[int]] = defaultdict(list)
    subtree: dict[tuple[int, str], int] = defaultdict(int)
    for (org_id, path, status), n in deltas.items():
        if status not in (MemberStatus.OFFICIAL, MemberStatus.PROBATIONARY) or not n:
            continue
        kind = "official" if status == MemberStatus.OFFICIAL else "probationary"
        by_field[(f"direct_{kind}", n)].append(org_id)
        for ancestor in ancestor_ids(path):
            subtree[(ancestor, kind)] += n
    for (ancestor, kind), n in subtree.items():
        by_field[(f"subtree_{kind}", n)].append(ancestor)
    for (column, n), ids in by_field.items():
        for start in range(0, len(ids), 900):
            Organization.objects.filter(pk__in=ids[start:start + 900]).derived_update(**{column: F(column) + n})
