"""A chart beside the table of the same figures, built once for every app.

An app returns ``Chart`` objects from a dashboard card or a detail panel and renders each with
``{% include "includes/chart.html" with chart=... %}``: a canvas drawn by ``static/js/charts.js`` (Chart.js, numbers
in the page's language through ``Intl.NumberFormat``, mirrored for right-to-left) from a ``json_script`` element,
and beside it the table of the same figures, which is what screen readers and printouts get.

Figures that need a pass over the registry (by age group, by gender, by year) are computed at most once a day
per organization: ``daily(name, org, compute)`` keeps them in Django's cache until midnight.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.utils import timezone

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
