"""A chart beside the table of the same figures, built once for every app.

An app returns ``Chart`` objects from a dashboard card or a detail panel and renders each with
``{% include "includes/chart.html" with chart=... %}``: a canvas drawn by ``static/js/charts.js`` (Chart.js, numbers
in the page's language through ``Intl.NumberFormat``, mirrored for right-to-left) from a ``json_script`` element,
and beside it the table of the same figures, which is what screen readers and printouts get.

Figures that need a pass over the registry (by age group, by gender, by year) are computed at most once a day
per organization: ``daily(name, org, compute)`` keeps them in Django's cache until midnight. Figures that must be
current (this year's admissions, the probations due) are counted live for a small subtree; for a large one
(``PARTYWORK_FIGURES_LIVE_MAX`` members or more: a province, the whole party) ``recent(name, org, compute)`` keeps
them for ``PARTYWORK_FIGURES_RECENT_SECONDS``, and ``warm()`` (``manage.py warm_figures``, and ``run_jobs`` every
few minutes) computes them ahead for the large organizations, so no reader waits for a pass over millions of
rows. The cache is shared by every web process (config/caches.py), so each figure is computed once, not once per
process.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

log = logging.getLogger(__name__)

KINDS = ("bar", "line", "doughnut")


@dataclass(frozen=True)
class Series:
    """One row of figures: a label (the table's column heading) and one value per category."""

    label: str
    values: Sequence[int | float | None]
    kind: str = ""  # draw this series differently from the chart's kind (a target as a line over bars)


@dataclass(frozen=True)
class Chart:
    """Categories (``labels``, the table's rows) and one or more series (the table's columns)."""

    name: str  # unique on the page: the canvas and its data are found by it
    title: str
    heading: str  # the table's first column: what the categories are (status, year, ...)
    labels: Sequence[str]
    series: Sequence[Series]
    kind: str = "bar"
    note: str = ""
    rows: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown chart kind {self.kind!r}")
        rows = [{"label": label, "values": [s.values[i] for s in self.series]} for i, label in enumerate(self.labels)]
        object.__setattr__(self, "rows", rows)

    @property
    def data_id(self) -> str:
        return f"chart-{self.name}-data"

    @property
    def data(self) -> dict[str, Any]:
        """What charts.js reads (json_script): no markup, the numbers as numbers."""
        return {"kind": self.kind, "title": str(self.title), "labels": [str(label) for label in self.labels],
                "series": [{"label": str(s.label), "values": list(s.values), "kind": s.kind} for s in self.series]}


def seconds_to_midnight(now: dt.datetime | None = None) -> int:
    now = timezone.localtime(now)
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(60, int((midnight - now).total_seconds()))


def daily(name: str, org: Any, compute: Callable[[], Any]) -> Any:
    """``compute()`` once a day per organization (keyed by its path too, so a moved subtree is counted anew)."""
    key = f"partywork:figures:{name}:{org.pk}:{org.path}:{timezone.localdate().isoformat()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds_to_midnight())
    return value


_refreshing: ContextVar[bool] = ContextVar("partywork_figures_refreshing", default=False)


def large(org: Any) -> bool:
    """Whether counting ``org``'s subtree live costs a reader too much (read from its counters)."""
    members = (getattr(org, "subtree_official", 0) or 0) + (getattr(org, "subtree_probationary", 0) or 0)
    return members >= getattr(settings, "PARTYWORK_FIGURES_LIVE_MAX", 20_000)


def daily_if_large(name: str, org: Any, compute: Callable[[], Any]) -> Any:
    """``daily`` for a large subtree; live for a small one, where a pass is cheap and a change shows at once."""
    return daily(name, org, compute) if large(org) else compute()


def recent(name: str, org: Any, compute: Callable[[], Any], *, per: Any = "") -> Any:
    """``compute()`` live for a small subtree; for a large one kept ``PARTYWORK_FIGURES_RECENT_SECONDS`` in the
    shared cache (``per``: what else the figure depends on, e.g. the reader when it is read in the reader's
    scope). Under ``refreshing()`` (the warm job) computed anew whatever the cache holds."""
    if not large(org):
        return compute()
    key = f"partywork:recent:{name}:{org.pk}:{org.path}:{per}"
    if not _refreshing.get():
        value = cache.get(key)
        if value is not None:
            return value
    value = compute()
    cache.set(key, value, int(getattr(settings, "PARTYWORK_FIGURES_RECENT_SECONDS", 300)))
    return value


def scope_key(user: Any, model: Any, org: Any) -> str:
    """``per`` of a figure read in the reader's scope: one shared entry when the reader may see all of ``org``'s
    subtree (the usual case, and what the warm job computes), else the reader's own."""
    from core.scope import path_in_scope

    return "" if path_in_scope(user, model, "view", org.path) else f"user{user.pk}"


@contextmanager
def refreshing():
    """Within it, ``recent`` figures are computed anew and stored (``daily`` ones are kept for their day)."""
    token = _refreshing.set(True)
    try:
        yield
    finally:
        _refreshing.reset(token)


def warm(orgs: Iterable[Any], reader: Any, *, request_factory: Callable[[Any], Any]) -> dict[str, float]:
    """Compute ahead what the dashboard and the organization page of each of ``orgs`` show, as ``reader`` (a
    national administrator) would open them: every registered dashboard card and organization panel, under
    ``refreshing()``. Returns seconds by organization code; a card that fails is logged and the rest go on."""
    from core.registry import dashboard_cards, detail_panels, organization_model

    org_label = organization_model()._meta.label
    seconds: dict[str, float] = {}
    with refreshing():
        for org in orgs:
            started = time.monotonic()
            request = request_factory(reader)
            contexts = {card.context for card in dashboard_cards()} | {p.context for p in detail_panels(org_label)}
            for context in contexts:
                try:
                    context(request, org)
                except Exception:  # a figure that fails must not stop the others; the page will show the error
                    log.exception("warming %s for %s failed", getattr(context, "__name__", context), org.pk)
            seconds[str(getattr(org, "code", org.pk))] = time.monotonic() - started
    return seconds


def warm_large(*, depth: int | None = None) -> dict[str, float]:
    """``warm`` the large organizations of the top ``depth`` levels (``PARTYWORK_FIGURES_WARM_DEPTH``: 2 = the
    party and the provinces), as a national administrator (an unsaved superuser: nothing is written)."""
    from django.contrib.auth import get_user_model
    from django.test import RequestFactory

    from core.registry import organization_model

    depth = depth if depth is not None else int(getattr(settings, "PARTYWORK_FIGURES_WARM_DEPTH", 2))
    # The top levels only (a party and its provinces: tens of rows), the large ones by their counters.
    orgs = [org for org in organization_model().objects.filter(dissolved_on__isnull=True, depth__lte=depth)
            .order_by("path") if large(org)]
    reader = get_user_model()(username="figures-warm", is_superuser=True, is_staff=True, is_active=True)

    def request_for(user: Any) -> Any:
        request = RequestFactory().get("/")
        request.user = user
        return request

    return warm(orgs, reader, request_factory=request_for)


def warm_every_seconds() -> float:
    return float(getattr(settings, "PARTYWORK_FIGURES_WARM_EVERY_SECONDS", 240))


def warm_if_due(worker: str = "") -> dict[str, float] | None:
    """``warm_large`` unless another process did within ``warm_every_seconds()``: the shared cache's atomic
    ``add`` elects one job worker per period, however many run on however many hosts."""
    every = warm_every_seconds()
    if every <= 0 or not cache.add("partywork:figures-warm", worker or "worker", int(every)):
        return None
    return warm_large()
