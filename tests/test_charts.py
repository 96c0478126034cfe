"""Charts beside their tables: the figures drawn, the figures in the table and an independent count agree."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.caches import CACHE_TABLE
from core.actions import SYSTEM
from lifecycle.services import confirm_receipt, issue_transfer_letter, target_summary
from members.models import Member
from members.statistics import AGE_GROUPS, member_charts
from tests import factories

pytestmark = pytest.mark.django_db


def chart_data(html: str, name: str) -> dict:
    found = re.search(rf'<script id="chart-{name}-data" type="application/json">(.*?)</script>', html, re.S)
    assert found, f"no data for chart {name}"
    return json.loads(found.group(1))


def table_figures(html: str, name: str) -> dict[str, list[int]]:
    """The rows of the table beside the chart: label -> figures (as the page shows them, thousands and all)."""
    figure = re.search(rf'<figure class="chart-pair" aria-labelledby="chart-{name}-data-title">(.*?)</figure>',
                       html, re.S).group(1)
    rows = {}
    for label, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', figure, re.S):
        rows[label] = [int(re.sub(r"\D", "", v)) for v in re.findall(r'<td class="num">(.*?)</td>', cells)]
    return rows


def drawn(data: dict) -> dict[str, list]:
    return {label: [s["values"][i] for s in data["series"]] for i, label in enumerate(data["labels"])}


@pytest.fixture
def dashboard_html(client, world):
    client.force_login(world.a_secretary)
    return client.get(reverse("dashboard")).content.decode()


def test_members_by_gender_and_age_match_the_registry(world, dashboard_html):
    within = Member.objects.filter(organization__path__startswith=world.a.org.path,
                                   status__in=("official", "probationary"))
    by_gender = {row["gender"]: row["n"] for row in within.values("gender").annotate(n=Count("id"))}
    gender = chart_data(dashboard_html, "members-gender")
    assert dict(zip(gender["labels"], gender["series"][0]["values"])) == {"Male": by_gender.get("M", 0),
                                                                         "Female": by_gender.get("F", 0)}
    assert table_figures(dashboard_html, "members-gender") == drawn(gender)
    year = timezone.localdate().year
    expected = [0] * len(AGE_GROUPS)
    for member in within:
        age = year - member.birth_date.year
        expected[next(i for i, (low, high) in enumerate(AGE_GROUPS)
                      if (low is None or age >= low) and (high is None or age <= high))] += 1
    age = chart_data(dashboard_html, "members-age")
    assert age["series"][0]["values"] == expected and sum(expected) == len(world.a.members)
    assert table_figures(dashboard_html, "members-age") == drawn(age)


def test_members_by_status_take_the_active_ones_from_the_counters(world, dashboard_html):
    status = chart_data(dashboard_html, "members-status")
    figures = dict(zip(status["labels"], status["series"][0]["values"]))
    world.a.org.refresh_from_db()
    assert figures["Official member"] == world.a.org.subtree_official == len(world.a.members)
    assert figures["Probationary member"] == world.a.org.subtree_probationary == 0
    assert table_figures(dashboard_html, "members-status") == drawn(status)


def test_the_pass_over_the_registry_runs_once_a_day(world):
    org = world.a.org
    first = member_charts(org)
    with CaptureQueriesContext(connection) as ctx:  # counters on the row already read, the rest kept for the day
        again = member_charts(org)
    # Only the cache's own read, when the cache is the database table (config/caches.py): no pass over members.
    assert [q["sql"] for q in ctx.captured_queries if CACHE_TABLE not in q["sql"]] == []
    assert [c.data for c in again] == [c.data for c in first]


def test_admissions_against_the_target_by_year(client, world):
    year = timezone.localdate().year
    cell = world.a.cells[0]
    factories.member(cell, "Vũ Thị Lan", gender="F", birth=dt.date(1995, 1, 1), admitted=dt.date(year, 1, 2),
                     official=None)
    factories.member(cell, "Đỗ Văn Hải", birth=dt.date(1990, 1, 1), admitted=dt.date(year - 2, 3, 4),
                     official=dt.date(year - 1, 3, 4))
    client.force_login(world.a_secretary)
    html = client.get(reverse("dashboard")).content.decode()
    data = chart_data(html, "admissions-target")
    assert data["labels"] == [str(y) for y in range(year - 4, year + 1)]
    admitted = data["series"][0]["values"]
    for label, value in zip(data["labels"], admitted):
        assert value == Member.objects.filter(organization__path__startswith=world.a.org.path,
                                              admission_date__year=int(label)).count()
    assert admitted[-1] == 1 and admitted[-3] == 1
    assert data["series"][1]["kind"] == "line"
    for label, actual, target in zip(data["labels"], admitted, data["series"][1]["values"]):
        summary = target_summary(world.a.org, int(label))  # the one definition of the target, year by year
        assert (actual, target) == (summary["actual"], summary["target"])
    assert table_figures(html, "admissions-target") == drawn(data)


def test_transfers_in_and_out_by_year(client, world):
    today = timezone.localdate()
    letter = issue_transfer_letter(SYSTEM, world.a.members[0], to_org=world.b.cells[0], number="7-GGT",
                                   issued_on=today)
    issue_transfer_letter(SYSTEM, world.a.members[1], to_org=world.a.cells[0], number="8-GGT", issued_on=today)
    confirm_receipt(SYSTEM, letter, received_on=today)
    for user, into, out in ((world.a_secretary, 0, 1), (world.b_secretary, 1, 0)):
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        data = chart_data(html, "transfers")
        assert data["labels"][-1] == str(today.year)
        assert [s["values"][-1] for s in data["series"]] == [into, out]  # a move within the province is neither
        assert sum(data["series"][0]["values"]) == into and sum(data["series"][1]["values"]) == out
        assert table_figures(html, "transfers") == drawn(data)


def test_organization_page_has_the_charts(client, world):
    client.force_login(world.a_secretary)
    html = client.get(reverse("orgs:detail", args=[world.a.grassroots.pk])).content.decode()
    for name in ("members-status", "members-gender", "members-age", "admissions-target", "transfers"):
        assert f'data-chart="chart-{name}-data"' in html and f'id="chart-{name}-data"' in html
    assert 'aria-hidden="true"' in html
