"""Numbers and dates in the reader's language, for sentences built by code (messages, job results, refusals).

Why: ``f"{n:,}"`` and ``date.isoformat()`` write 5,000 and 2025-11-06 whatever the page's language; these write
5.000 and 06/11/2025 in Vietnamese, 5,000 and 11/06/2025 in English (``config/formats/<lang>/formats.py``).
Call them when the sentence is rendered (a lazy message, a template), not when it is stored.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone


def number(value: int | float | None) -> str:
    """A quantity, grouped by the active language's conventions (57.457, 57 457, 57,457)."""
    if value is None:
        return ""
    return formats.number_format(value, force_grouping=True)


def day(value: dt.date | str | None) -> str:
    """A date (or an ISO date string) in the active language's short format (06/11/2025, 06.11.2025)."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def moment(value: dt.datetime | str | None) -> str:
    """A point in time (or an ISO timestamp) in the reader's time zone and the language's short date-time."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
