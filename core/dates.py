"""Date arithmetic on dates that may come from a user, and the range of dates a record can hold.

Why: ``date(9999, 12, 31) + 1 day`` or ``add_months`` past year 9999 raise ``OverflowError``/``ValueError``, which
became 500s (``/lifecycle/badges/?end=9999-12-31``). Input dates are checked against ``EARLIEST``..``LATEST``
(a clear field error), and the arithmetic here answers a ``ValidationError`` rather than crashing if a date
still gets through.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from rest_framework import serializers

# The dates the registry's records can carry: no party record predates 1900 and no plan reaches past 2199.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)

OUT_OF_RANGE = _("Enter a date between %(start)s and %(end)s.")


def validate_record_date(value: dt.date | None) -> None:
    """Validator for form and API date fields: refuse dates the arithmetic behind them cannot use."""
    if value is not None and not EARLIEST <= value <= LATEST:
        raise _out_of_range()


def _out_of_range() -> ValidationError:
    return ValidationError(OUT_OF_RANGE, code="date_range",
                           params={"start": EARLIEST.isoformat(), "end": LATEST.isoformat()})


def add_days(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``; a result outside the calendar is a ValidationError, not an OverflowError."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        raise _out_of_range() from None


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months, the day clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _out_of_range()
    for d in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=d)
        except ValueError:
            continue
    raise ValueError("unreachable")


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus ``years`` (29 February becomes 28 February in a common year)."""
    year = day.year + years
    if not dt.MINYEAR <= year <= dt.MAXYEAR:
        raise _out_of_range()
    try:
        return day.replace(year=year)
    except ValueError:  # 29 February
        return day.replace(year=year, day=28)


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days (Monday to Friday) after ``start`` up to and including ``end``; 0 when ``end`` is not later.

    Public holidays are not known here yet: a rule counted in working days says so in its own text.
    """
    if end <= start:
        return 0
    weeks, rest = divmod((end - start).days, 7)
    count = weeks * 5
    day = start + dt.timedelta(days=weeks * 7)
    for _step in range(rest):
        day += dt.timedelta(days=1)
        count += day.weekday() < 5
    return count


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The ``days``-th working day (Monday to Friday) after ``start`` (``start`` itself for 0)."""
    if days <= 0:
        return start
    weeks, rest = divmod(days, 5)
    if rest == 0:
        weeks, rest = weeks - 1, 5
    day = add_days(start, weeks * 7)
    while rest:
        day = add_days(day, 1)
        rest -= day.weekday() < 5
    return day


def date_pattern() -> str:
    """How a date is typed in the active language, as shown to a person: dd/mm/yyyy, TT.MM.JJJJ, mm/dd/yyyy."""
    pattern = formats.get_format("DATE_INPUT_FORMATS")[0]
    return (pattern.replace("%d", pgettext("date pattern: day", "dd"))
            .replace("%m", pgettext("date pattern: month", "mm"))
            .replace("%Y", pgettext("date pattern: year", "yyyy"))
            .replace("%y", pgettext("date pattern: year", "yy")))


class LocalDateInput(forms.DateInput):
    """A date typed in the page's language (dd/mm/yyyy in Vietnamese), not the browser's ``type=date``.

    Why: a browser's date field shows its own locale's order (mm/dd/yyyy) whatever the page's language. This is a
    text field whose value is written with the language's first ``DATE_INPUT_FORMATS`` and whose placeholder shows
    that pattern; the field parses every input format of the language, ISO dates included.
    """

    input_type = "text"

    def get_context(self, name: str, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs.setdefault("placeholder", date_pattern())
        widget_attrs.setdefault("inputmode", "numeric")
        widget_attrs.setdefault("autocomplete", "off")
        widget_attrs.setdefault("size", 12)
        return context


class FormDateField(forms.DateField):
    """A form's date that date arithmetic can use: between ``EARLIEST`` and ``LATEST``, typed in the page's
    language (``LocalDateInput``)."""

    widget = LocalDateInput
    default_validators = [validate_record_date]


class ApiDateField(serializers.DateField):
    """An API date that date arithmetic can use: between ``EARLIEST`` and ``LATEST``."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.validators.append(validate_record_date)


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date from a query string, or None when it is missing or not a date (never a 500)."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None
