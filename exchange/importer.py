"""Validate and import member rows in batches: all-or-nothing, or the valid rows only.

Every row is checked (required fields, dates, citizen ID, organization code within the chosen
organization and the user's scope, duplicates in the file and in the registry) with **one query per
batch** for organizations, citizen IDs and party cards, never one per row. The registry's own rules
come from ``members.services.validate_member`` (called without the ID fields, so it runs no query).

Idempotent: a row whose citizen ID is already registered with the same data is *unchanged* and
skipped; with different data it is an error. Writes go through ``exchange.bulk.audited_insert``: the
same rows and audit records as the audited ``bulk_create`` (one audit row per member and history row),
without a model instance per row (``COPY`` on PostgreSQL). Each valid row's member and history rows and
their audit records' text are *drafted* (:func:`draft_member`) where the row is parsed, in the parsing
process when there is one, so that the importing process adds only the keys. The counters take one
``executemany`` per counter column (one ``UPDATE ... FROM unnest(...)`` on PostgreSQL), once per batch in
``valid`` mode and once for the whole file, just before the commit, in ``all`` mode.
Whatever all rows of a batch share (today's date, the accepted spellings, each organization's
verdict, the audit context) is looked up once, not per row.

- ``all``: one transaction around everything; any error row (or a cancel) rolls it all back.
- ``valid``: one transaction per batch, committed together with the job's checkpoint, so a cancel
  stops after a whole batch and a crashed job resumes after the last committed one.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import multiprocessing
import os
import signal
import threading
import traceback
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from queue import Empty, Full
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.actions import acting
from core.exports import FORMULA_PREFIXES
from core.lookups import rows_by_unique_key
from core.phrases import Said, from_error
from core.scope import path_in_scope
from core.text import given_name_key, search_key
from exchange.bulk import Draft, Drafter, audited_insert
from exchange.readers import FileProblem, Table, parse_date, parse_date_text
from exchange.template import BY_KEY, choice_aliases, header_label
from members import counters
from members.choices import HistoryEvent, MemberStatus
from members.models import Member, MemberHistory
from members.services import validate_member
from members.validators import validate_citizen_id, validate_party_card_no
from orgs.choices import MEMBER_HOLDING_TYPES
from orgs.models import Organization

BATCH_SIZE = 5000
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
    message: str  # in the language of whoever imported (the XLSX report is written in it)
    text: dict | None = None  # the message as a stored text (core.phrases), shown in the reader's language

    def __post_init__(self) -> None:
        if self.text is None and isinstance(self.message, Said):
            self.text = self.message.stored
        self.message = str(self.message)


_ = Said  # the importer's messages keep their message id, so the error table is shown in the reader's language


@dataclass
class Stats:
    rows: int = 0
    created: int = 0
    unchanged: int = 0
    error_rows: int = 0
    last_row: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


# A parsed row's member and history rows, drafted for ``exchange.bulk.audited_insert`` (all but their keys): the
# member's draft, then each history row's draft with its repr after the member's key. A plain tuple, as a Draft.
MemberDraft = tuple[Draft, tuple[tuple[Draft, str], ...]]


@dataclass
class ParsedRow:
    number: int
    data: dict[str, Any]
    present: frozenset[str]  # the row's columns: one object for all rows that have the same (see parsed_batches)
    errors: list[RowError] = field(default_factory=list)
    outcome: str = ""  # "new" | "unchanged" | "error"
    draft: MemberDraft | None = None  # rows without errors, drafted where they are parsed


# Plain strings, not the enum members: drafts cross to the importing process, and a str unpickles cheaper.
_REGISTERED, _RECOGNIZED = str(HistoryEvent.REGISTERED.value), str(HistoryEvent.RECOGNIZED.value)
_PROBATIONARY = str(MemberStatus.PROBATIONARY.value)


@functools.cache
def _drafters() -> tuple[Drafter, Drafter]:
    """Member rows wait for their organization's key, history rows for their member's and organization's."""
    return Drafter(Member, late=("organization_id",)), Drafter(MemberHistory, late=("member_id", "organization_id"))


def draft_member(data: dict[str, Any], name_keys: dict[str, tuple[str, str]]) -> MemberDraft:
    """The rows a valid parsed row becomes (member, then its registration and, if recognized since, its
    recognition), with their audit records' text: everything :meth:`MemberImporter.write` writes but the keys.
    ``name_keys`` caches the search keys of names, which repeat a lot."""
    member_drafter, history_drafter = _drafters()
    name = data["full_name"]
    keys = name_keys.get(name)
    if keys is None:
        if len(name_keys) > 100_000:  # bounded, so that memory stays flat
            name_keys.clear()
        keys = name_keys[name] = (search_key(name), given_name_key(name))
    admission, official, status = data["admission_date"], data.get("official_date"), data["status"]
    member = {
        "full_name": name, "name_key": keys[0], "given_key": keys[1], "gender": data["gender"],
        "birth_date": data["birth_date"], "ethnicity": data.get("ethnicity") or "",
        "religion": data.get("religion") or "", "home_town": data.get("home_town") or "",
        "education": data.get("education") or "", "occupation": data.get("occupation") or "",
        "citizen_id": data["citizen_id"], "party_card_no": data.get("party_card_no") or None,
        "admission_date": admission, "official_date": official, "status": status,
        "status_since": official or admission, "lock_version": 0}
    recognized = status == MemberStatus.OFFICIAL and official and official > admission
    history = [({"valid_from": admission, "valid_to": official if recognized else None,
                 "status": _PROBATIONARY if recognized else status, "event": _REGISTERED, "decision": "", "note": ""},
                f" {_REGISTERED} {admission}")]
    if recognized:
        history.append(({"valid_from": official, "valid_to": None, "status": status, "event": _RECOGNIZED,
                         "decision": "", "note": ""}, f" {_RECOGNIZED} {official}"))
    return member_drafter.draft(member), tuple((history_drafter.draft(h), repr_end) for h, repr_end in history)



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


@dataclass(frozen=True)
class RowContext:
    """What every row of a batch shares, looked up once per batch instead of once per row."""

    today: dt.date
    choices: dict[str, dict[str, str]]

    @classmethod
    def current(cls) -> RowContext:
        return cls(timezone.localdate(), choice_aliases())


# Besides "=", the leading characters a spreadsheet evaluates (the export neutralizes the same set,
# core.exports). No column has a legitimate value starting with one: names, codes and dates do not, and a
# free-text "-" placeholder means "empty" (leave the cell empty). Tab and CR are stripped with the spaces.
FORMULA_LEADS = frozenset(FORMULA_PREFIXES) - {"="}
_KINDS = {c.key: (c.kind, c.max_length) for c in BY_KEY.values()}
_REQUIRED = ("full_name", "gender", "birth_date", "citizen_id", "status", "admission_date", "organization_code")
_PERSONAL = ("full_name", "birth_date", "admission_date", "official_date")


def _stored(exc: ValidationError) -> dict | None:
    """A validator's single message as a stored text, to be shown in the reader's language."""
    errors = getattr(exc, "error_list", None) or []
    return from_error(errors[0]) if len(errors) == 1 else None


def parse_row(number: int, raw: dict[str, Any], context: RowContext | None = None) -> ParsedRow:
    """Turn raw cell values into typed member data, collecting every problem of the row."""
    ctx = context or RowContext.current()
    data: dict[str, Any] = {}
    errors: list[RowError] = []
    row = ParsedRow(number, data, frozenset(raw), errors)
    choices = ctx.choices

    def err(key: str, value: Any, message: str, text: dict | None = None) -> None:
        errors.append(RowError(number, key, _text(value)[:200], message, text))

    for key, value in raw.items():
        kind, max_length = _KINDS[key]
        if value is None:
            data[key] = None
            continue
        if isinstance(value, str):
            text = value.strip()
            if not text:
                data[key] = None
                continue
            if text[0] == "=":
                err(key, value, _("Formulas are not accepted: enter the value itself."))
                continue
            if text[0] in FORMULA_LEADS:
                err(key, value, _("A value may not start with +, - or @: spreadsheet programs read it as a formula. "
                                  "Remove the sign and import again."))
                continue
        else:
            text = None
        if kind == "date":
            parsed = parse_date_text(text) if text is not None else parse_date(value)
            if parsed is None:
                err(key, value, _("This is not a date. Use an Excel date or dd/mm/yyyy, yyyy-mm-dd or dd-mm-yyyy."))
            data[key] = parsed
        elif kind == "text" or kind == "org":
            if text is None:
                text = _text(value)
            if max_length and len(text) > max_length:
                err(key, value, _("At most %(n)d characters.") % {"n": max_length})
            data[key] = text
        elif kind == "gender" or kind == "status":
            code = choices[kind].get(" ".join((text if text is not None else _text(value)).lower().split()))
            if code is None:
                err(key, value, _("Use M or F.") if kind == "gender" else
                    _("A new record is a probationary or an official member."))
            data[key] = code
        elif kind == "citizen_id":
            data[key] = text if text is not None else _digits(value, 12)
        elif kind == "card":
            data[key] = text if text is not None else _digits(value)
        else:
            text = text if text is not None else _text(value)
            if max_length and len(text) > max_length:
                err(key, value, _("At most %(n)d characters.") % {"n": max_length})
            data[key] = text
    failed = {e.column for e in errors}
    for key in _REQUIRED:
        if key not in failed and not data.get(key):
            err(key, "", _("This field is required."))
    if errors:
        failed = {e.column for e in errors}
    if not failed & {"status", "official_date"}:
        status, official = data.get("status"), data.get("official_date")
        if status == MemberStatus.OFFICIAL and not official:
            err("official_date", "", _("An official member needs the date of recognition."))
        elif status == MemberStatus.PROBATIONARY and official:
            err("official_date", official, _("A probationary member has no official date yet."))
    # The registry's own rules (names, dates, age at admission), without its per-row ID queries.
    personal = {k: data.get(k) for k in _PERSONAL if k not in failed}
    try:
        cleaned = validate_member(personal, today=ctx.today)
        if "full_name" in cleaned:
            data["full_name"] = cleaned["full_name"]
    except ValidationError as exc:
        for key, key_errors in exc.error_dict.items():
            for error in key_errors:
                err(key if key in BY_KEY else "", data.get(key), " ".join(error.messages), from_error(error))
    if errors:
        failed = {e.column for e in errors}
    if data.get("citizen_id") and "citizen_id" not in failed:
        try:
            validate_citizen_id(data["citizen_id"],
                                birth_date=None if "birth_date" in failed else data.get("birth_date"),
                                gender=None if "gender" in failed else data.get("gender"))
        except ValidationError as exc:
            err("citizen_id", data["citizen_id"], " ".join(exc.messages), _stored(exc))
    if data.get("party_card_no"):
        try:
            validate_party_card_no(data["party_card_no"])
        except ValidationError as exc:
            err("party_card_no", data["party_card_no"], " ".join(exc.messages), _stored(exc))
    if errors:
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
            if error.column:  # the template's column name in the reader's language (exchange/phrases.py)
                record["column_text"] = {"code": f"exchange.column.{error.column}"}
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
            record = json.loads(line)
            record.pop("column_text", None)
            yield RowError(**record)


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
        self._org_problems: dict[str, str] = {}
        # "all" mode: the counter deltas of every batch, applied once just before the commit.
        self._pending: dict[tuple[int, str, str], int] | None = None

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
        compared = [f for f in COMPARED if f != "organization_code"]
        existing = {m["citizen_id"]: m for m in rows_by_unique_key(
            Member, "citizen_id", ids, ("citizen_id", "organization_id", *compared))}
        if existing:  # usually none: the organizations of the members already registered, by key
            places = {o[0]: o[1:] for o in Organization.objects.filter(
                pk__in={m["organization_id"] for m in existing.values()}).values_list("id", "path", "code")}
            for m in existing.values():
                m["organization__path"], m["organization__code"] = places[m["organization_id"]]
        card_owner = {m["party_card_no"]: m["citizen_id"]
                      for m in rows_by_unique_key(Member, "party_card_no", cards, ("party_card_no", "citizen_id"))}
        for row in rows:
            if row.outcome == "error":
                self._remember(row)
                continue
            code = row.data["organization_code"]
            problem = self._org_problems.get(code)
            if problem is None:
                problem = self._org_problems[code] = self._org_problem(self.orgs.get(code))
            if problem:
                row.errors.append(RowError(row.number, "organization_code", code, problem))
            cid = row.data["citizen_id"]
            current = existing.get(cid)
            if int(cid) in self.seen_ids:
                row.errors.append(RowError(row.number, "citizen_id", cid,
                                           _("This citizen ID appears more than once in the file.")))
            elif current is not None:
                if not path_in_scope(self.actor, Member, "view", current["organization__path"]):
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
        """The new rows' members, their history and one audit record per written row (their drafts, completed
        with the keys: exchange/bulk.py), then the counters."""
        new = [r for r in rows if r.outcome == "new"]
        if not new:
            return 0
        member_drafter, history_drafter = _drafters()
        places = [self.orgs[r.data["organization_code"]] for r in new]
        org_keys = [(org["id"],) for org in places]
        paths = [org["path"] for org in places]
        ids = audited_insert(member_drafter, [r.draft[0] for r in new], org_keys,
                             [r.data["full_name"] for r in new], paths)
        drafts, late, reprs, history_paths = [], [], [], []
        deltas: dict[tuple[int, str, str], int] = defaultdict(int)
        for member_id, r, (org_id,), path in zip(ids, new, org_keys, paths, strict=True):
            for draft, repr_end in r.draft[1]:
                drafts.append(draft)
                late.append((member_id, org_id))
                reprs.append(f"{member_id}{repr_end}")
                history_paths.append(path)
            deltas[(org_id, path, r.data["status"])] += 1
        audited_insert(history_drafter, drafts, late, reprs, history_paths)
        if self._pending is None:
            counters.apply_deltas(deltas)
        else:
            for key, n in deltas.items():
                self._pending[key] += n
        return len(ids)

    # --- driving --------------------------------------------------------------------------------------
    def batches(self, table: Table, start_after: int = 0) -> Iterator[list[ParsedRow]]:
        """Parsed batches of the file, read and parsed in a second process when that helps (see
        :func:`use_parse_process`), else here. Close the iterator (``contextlib.closing``) when leaving early."""
        if use_parse_process(table, self.batch_size):
            return _parsed_in_child(table, start_after, self.batch_size)
        return parsed_batches(table, start_after, self.batch_size)

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
        self._pending = defaultdict(int)
        try:
            with acting(self.actor, "exchange.import_members"):
                with closing(self.batches(table)) as batches:
                    for batch in batches:
                        self.process(batch, write=self.stats.error_rows == 0)
                        if between is not None:
                            between(self.stats)
                if self.stats.error_rows:
                    raise Rollback()
                # The counters once for the whole file (one UPDATE per organization, not one per batch).
                counters.apply_deltas(self._pending)
        except Rollback:
            self.stats.created = 0
        finally:
            self._pending = None
        return self.stats

    def run_valid(self, table: Table, *, start_after: int = 0,
                  checkpoint: Callable[[Stats, int], None] | None = None,
                  between: Callable[[Stats], None] | None = None) -> Stats:
        """Valid rows only: each batch commits with its checkpoint; ``between`` runs after each commit."""
        with closing(self.batches(table, start_after)) as batches:
            for batch in batches:
                with acting(self.actor, "exchange.import_members"):
                    self.process(batch, write=True)
                    if checkpoint is not None:
                        checkpoint(self.stats, self.errors.offset())
                if between is not None:
                    between(self.stats)
        return self.stats


# --- reading and parsing, here or in a second process ---------------------------------------------------

# Batches parsed ahead by the parsing process (bounded, so memory stays flat whatever the file's size).
PIPELINE_DEPTH = 2


def parsed_batches(table: Table, start_after: int, batch_size: int) -> Iterator[list[ParsedRow]]:
    batch: list[ParsedRow] = []
    context = RowContext.current()
    name_keys: dict[str, tuple[str, str]] = {}
    # Every row of a file usually has the same columns: one set for them all, which a batch sent by the parsing
    # process then carries once (pickle writes an object it has already written as a reference).
    columns: dict[frozenset[str], frozenset[str]] = {}
    for number, raw in table.rows(start_after):
        row = parse_row(number, raw, context)
        row.present = columns.setdefault(row.present, row.present)
        if len(columns) > 1000:  # rows cut short in a thousand ways: stay bounded
            columns.clear()
        if not row.errors:
            row.draft = draft_member(row.data, name_keys)
        batch.append(row)
        if len(batch) >= batch_size:
            yield batch
            batch = []
            context = RowContext.current()  # the date once per batch, not once per row
    if batch:
        yield batch


def use_parse_process(table: Table, batch_size: int) -> bool:
    """Read and parse in a forked second process, pipelined with the database writes of this one?

    Only with more than one CPU, where ``fork`` exists, from the main thread of a process (the CLI and
    ``run_jobs``, not an inline job in a thread of the web server: forking a threaded server is unsafe),
    for files of more than two batches, and unless ``EXCHANGE_PARSE_PROCESS`` is False. The second
    process reads the file, runs :func:`parse_row` and drafts the valid rows (:func:`draft_member`), with no
    database and no writes; every check against the registry, every key and every write stays here, in the
    import's transactions.
    """
    setting = getattr(settings, "EXCHANGE_PARSE_PROCESS", "auto")
    if setting is False or setting == "off":
        return False
    if "fork" not in multiprocessing.get_all_start_methods():
        return False
    if setting is True or setting == "on":
        return True
    return ((os.cpu_count() or 1) > 1 and threading.current_thread() is threading.main_thread()
            and (table.estimated_rows is None or table.estimated_rows > 2 * batch_size))


def _parse_worker(table: Table, start_after: int, batch_size: int, queue: Any, parent: int) -> None:
    """The parsing process: every batch of :func:`parsed_batches` onto ``queue``, then the end (or the problem).

    It takes the default signal handlers back (a worker's SIGTERM handler, inherited through ``fork``, would
    keep it from being stopped) and leaves by itself if the importing process is gone.
    """
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the importing process, which stops this one

    def put(message: tuple[str, Any]) -> None:
        while True:
            try:
                queue.put(message, timeout=1.0)
                return
            except Full:
                if os.getppid() != parent:
                    os._exit(1)

    try:
        for batch in parsed_batches(table, start_after, batch_size):
            put(("rows", batch))
        put(("end", None))
    except FileProblem as exc:
        put(("problem", exc.message))
    except BaseException:  # noqa: BLE001 - reported to the importing process, which fails the job
        put(("crash", traceback.format_exc()))
    finally:
        queue.close()
        queue.join_thread()


def _parsed_in_child(table: Table, start_after: int, batch_size: int) -> Iterator[list[ParsedRow]]:
    """:func:`parsed_batches`, read and parsed by a forked process while this one writes the previous batch.

    The child inherits the opened file (and the active language); it is stopped when the iterator is closed
    (a cancel, an error here) and never touches the database (it leaves with ``os._exit``).
    A :class:`FileProblem` found by the child is raised here, at the same point of the file.
    """
    from core.rules import load_before_fork

    load_before_fork()  # the child checks citizen IDs by the rules' copy it inherits
    mp = multiprocessing.get_context("fork")
    queue = mp.Queue(maxsize=PIPELINE_DEPTH)
    process = mp.Process(target=_parse_worker, args=(table, start_after, batch_size, queue, os.getpid()),
                         daemon=True, name="import-parser")
    process.start()
    try:
        while True:
            try:
                kind, payload = queue.get(timeout=1.0)
            except Empty:
                if process.is_alive():
                    continue
                try:  # it may have put its last message just before leaving
                    kind, payload = queue.get(timeout=1.0)
                except Empty:
                    raise RuntimeError(f"the parsing process stopped (exit code {process.exitcode})") from None
            if kind == "rows":
                yield payload
            elif kind == "end":
                return
            elif kind == "problem":
                raise FileProblem(payload)
            else:
                raise RuntimeError(f"the parsing process failed:\n{payload}")
    finally:
        if process.is_alive():
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
        process.join()
        queue.close()
