"""Keyset pagination, built once for pages and API: no OFFSET, no COUNT(*) over millions of rows.

A cursor holds the sort values of the last row shown; the next page is the rows after it in the
index order, so page 10,000 costs what page 1 costs.
"""

from __future__ import annotations

import base64
import functools
import json
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param


class BadCursor(ValidationError):
    pass


@dataclass
class Page:
    items: list[Any]
    next_cursor: str | None
    previous_cursor: str | None
    is_first: bool


def _encode(values: list[Any], backwards: bool, tier: int | None = None) -> str:
    data: dict[str, Any] = {"v": values, "b": backwards}
    if tier is not None:
        data["t"] = tier
    raw = json.dumps(data, cls=DjangoJSONEncoder, separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _field(qs: QuerySet, name: str) -> Any:
    """The model field, or the output field of an annotation the order sorts by (e.g. a rank computed in SQL)."""
    try:
        return qs.model._meta.get_field(name)
    except FieldDoesNotExist:
        annotation = qs.query.annotations.get(name)
        if annotation is None:
            raise
        return annotation.output_field


def _decode(cursor: str, qs: QuerySet, order: list[str], tiers: int = 0) -> tuple[list[Any], bool, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        data = json.loads(raw)
        values, backwards, tier = data["v"], bool(data.get("b", False)), data.get("t", 0)
        if not isinstance(values, list) or len(values) != len(order):
            raise ValueError
        if type(tier) is not int or not (0 <= tier < max(tiers, 1)):
            raise ValueError
        return [_field(qs, f.lstrip("-")).to_python(v) for f, v in zip(order, values)], backwards, tier
    except (ValueError, KeyError, TypeError, UnicodeDecodeError, ValidationError, json.JSONDecodeError) as exc:
        raise BadCursor(_("The page link is not valid. Start again from the first page."), code="cursor") from exc


def _after_q(order: list[str], values: list[Any], backwards: bool) -> Q:
    """Rows strictly after (or before) ``values`` in ``order``: (a > x) or (a = x and b > y) ..."""
    result = Q()
    for i, field in enumerate(order):
        name = field.lstrip("-")
        descending = field.startswith("-") != backwards
        term = Q(**{f"{name}__{'lt' if descending else 'gt'}": values[i]})
        for prev_field, prev_value in zip(order[:i], values[:i]):
            term &= Q(**{prev_field.lstrip("-"): prev_value})
        result |= term
    return result


def _reverse(order: list[str]) -> list[str]:
    return [f[1:] if f.startswith("-") else f"-{f}" for f in order]


def _value(row: Any, field: str) -> Any:
    name = field.lstrip("-")
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _merge(branches: list[list[Any]], order: list[str], limit: int) -> list[Any]:
    """Merge rows read in ``order`` from several branches (each already sorted), dropping repeats."""

    def compare(a: Any, b: Any) -> int:
        for field in order:
            x, y = _value(a, field), _value(b, field)
            if x != y:
                smaller = -1 if x < y else 1
                return -smaller if field.startswith("-") else smaller
        return 0

    seen, merged = set(), []
    for row in sorted((r for rows in branches for r in rows), key=functools.cmp_to_key(compare)):
        if row.pk not in seen:
            seen.add(row.pk)
            merged.append(row)
    return merged[:limit]


def _tier(qs: QuerySet, tier: tuple[Q, bool | list[Q]] | None) -> QuerySet:
    """The part of ``qs`` in ``tier``: a filter, and whether the part is read in ``_keyset_branches`` or in
    branches of its own (a list: e.g. the corrected phrases of a typo search, one index range each)."""
    if tier is None:
        return qs
    q, branched = tier
    part = qs.filter(q)
    part._keyset_tiers = None
    if isinstance(branched, list):
        part._keyset_branches = branched
    elif not branched:
        part._keyset_branches = None
    return part


def any_row(qs: QuerySet) -> bool:
    """``qs.exists()``, asked of each of its ``_keyset_tiers`` and ``_keyset_branches`` in turn (each from its
    index) when it has them."""
    tiers = getattr(qs, "_keyset_tiers", None)
    if tiers:
        return any(any_row(_tier(qs, tier)) for tier in tiers)
    branches = getattr(qs, "_keyset_branches", None)
    if branches:
        return any(qs.filter(b).exists() for b in branches)
    return qs.exists()


def _read(qs: QuerySet, order: list[str], values: list[Any] | None, backwards: bool, limit: int,
          ids_first: bool = False) -> list[Any]:
    """Up to ``limit`` rows after ``values`` (or before, ``backwards``) in ``order``, branches merged; a part of a
    tiered search (``ids_first``) has its ids found first like a branch (:func:`_rows`)."""
    if values is not None:
        qs = qs.filter(_after_q(order, values, backwards))
    effective = _reverse(order) if backwards else order
    branches = getattr(qs, "_keyset_branches", None)
    if branches:
        return _merge([_rows(qs, qs.filter(b), effective, limit) for b in branches], effective, limit)
    if ids_first:
        return _rows(qs, qs, effective, limit)
    return list(qs.order_by(*effective)[:limit])


def _rows(qs: QuerySet, part: QuerySet, order: list[str], limit: int) -> list[Any]:
    """The first ``limit`` rows of a branch (or a search's tier). On PostgreSQL its ids are found first, alone, so
    that a branch that walks the name order reads only the index (``member_name_walk_idx`` holds what a search
    checks), and the rows are then read by id: walking a family name's range with the rows would read a table page
    per entry."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return list(part.order_by(*order)[:limit])
    ids = part.filter(_serial()).order_by(*order).values("pk")[:limit]
    return list(qs.filter(pk__in=ids).order_by(*order))


def _serial() -> Q:
    """A condition that holds on every row and keeps the query out of parallel workers (``pg_trigger_depth()`` is
    parallel restricted): a walk of the name order that stops at the page's end, split among workers by a Gather
    Merge, reads up to three times the entries each worker needs and waits for their start ('nguyen van' in a
    province at scale 1.0: 62 ms in parallel, 18 ms alone)."""
    from django.db.models import BooleanField, Func

    return Q(Func(template="(pg_trigger_depth() >= 0)", output_field=BooleanField()))


def keyset_page(qs: QuerySet, order: list[str], cursor: str | None, size: int) -> Page:
    """``order`` must end in a unique column (the id) so that every row has one place.

    A queryset may carry ``_keyset_branches`` (alternative filters, e.g. the ways of a name search): each branch
    is read from its own index in order and the results are merged. It may also carry ``_keyset_tiers``, pairs
    (filter, read in branches?) that split it into parts shown one after the other (names that begin with the query
    first, then the others), each in ``order``; the cursor remembers the part. A later part is read only when the
    page reaches it.
    """
    tiers = getattr(qs, "_keyset_tiers", None) or [None]
    values, backwards, tier = None, False, 0
    if cursor:
        values, backwards, tier = _decode(cursor, qs, order, len(tiers))
    rows: list[tuple[int, Any]] = []
    step = -1 if backwards else 1
    current, after = tier, values
    while 0 <= current < len(tiers) and len(rows) < size + 1:
        part = _tier(qs, tiers[current])
        rows += [(current, row) for row in _read(part, order, after, backwards, size + 1 - len(rows),
                                                 ids_first=tiers[current] is not None)]
        current, after = current + step, None
    has_more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    tiered = len(tiers) > 1

    def key(entry: tuple[int, Any], back: bool) -> str:
        return _encode([_value(entry[1], f) for f in order], back, entry[0] if tiered else None)

    next_cursor = previous_cursor = None
    if rows:
        if has_more or backwards:
            next_cursor = key(rows[-1], False)
        if cursor and (has_more or not backwards):
            previous_cursor = key(rows[0], True)
    is_first = not cursor or (backwards and not has_more)
    if is_first:
        previous_cursor = None
    return Page([row for _tier, row in rows], next_cursor, previous_cursor, is_first)


class KeysetPagination(BasePagination):
    """DRF pagination on the same keyset mechanism; views set ``keyset_order`` (default newest first)."""

    cursor_query_param = "cursor"
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        from django.conf import settings

        order = list(getattr(view, "keyset_order", None) or ["-id"])
        size = settings.REST_FRAMEWORK.get("PAGE_SIZE", 50)
        raw_size = request.query_params.get(self.page_size_query_param)
        if raw_size:
            try:
                size = max(1, min(int(raw_size), self.max_page_size))
            except ValueError as exc:
                raise ApiValidationError({"page_size": [_("Enter a whole number.")]}) from exc
        try:
            page = keyset_page(queryset, order, request.query_params.get(self.cursor_query_param), size)
        except BadCursor as exc:
            raise ApiValidationError({"cursor": exc.messages}) from exc
        self.page, self.request = page, request
        return page.items

    def _link(self, cursor: str | None) -> str | None:
        if cursor is None:
            return None
        return replace_query_param(self.request.build_absolute_uri(), self.cursor_query_param, cursor)

    def get_paginated_response(self, data):
        return Response({
            "next": self._link(self.page.next_cursor),
            "previous": self._link(self.page.previous_cursor)
            if self.page.previous_cursor
            else (None if self.page.is_first else remove_query_param(self.request.build_absolute_uri(), "cursor")),
            "results": data,
        })

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {"name": self.cursor_query_param, "required": False, "in": "query",
             "description": "Opaque page cursor from `next`/`previous`.", "schema": {"type": "string"}},
            {"name": self.page_size_query_param, "required": False, "in": "query",
             "description": "Rows per page (1-500).", "schema": {"type": "integer"}},
        ]
