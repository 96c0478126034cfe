"""The dashboard's figures of a large subtree (issue 19): computed ahead into the shared cache, not per reader.

The test world is small, so ``PARTYWORK_FIGURES_LIVE_MAX`` is lowered to make its provinces "large".
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from config.caches import CACHE_TABLE
from core.charts import large, recent, refreshing, warm_if_due, warm_large
from lifecycle.services import target_summary
from tests import factories

pytestmark = pytest.mark.django_db


def registry_queries(ctx) -> list[str]:
    """The queries of a block other than the cache's own (the cache may be the database table)."""
    return [q["sql"] for q in ctx.captured_queries if CACHE_TABLE not in q["sql"]]


@pytest.fixture
def all_large(settings):
    settings.PARTYWORK_FIGURES_LIVE_MAX = 1
    settings.PARTYWORK_FIGURES_WARM_DEPTH = 5


def test_small_subtrees_are_counted_live(world, settings):
    settings.PARTYWORK_FIGURES_LIVE_MAX = 10**9
    assert not large(world.a.org)
    calls = []
    assert recent("x", world.a.org, lambda: calls.append(1) or len(calls)) == 1
    assert recent("x", world.a.org, lambda: calls.append(1) or len(calls)) == 2  # not kept


def test_a_large_subtree_is_counted_once_then_refreshed(world, all_large):
    org = world.a.org
    org.refresh_from_db()  # its counters
    assert large(org)
    calls = []
    assert recent("x", org, lambda: calls.append(1) or len(calls)) == 1
    assert recent("x", org, lambda: calls.append(1) or len(calls)) == 1  # kept
    assert recent("x", org, lambda: calls.append(1) or len(calls), per="reader2") == 2  # its own entry
    with refreshing():
        assert recent("x", org, lambda: calls.append(1) or len(calls)) == 3  # the warm job counts anew
    assert recent("x", org, lambda: calls.append(1) or len(calls)) == 3


def test_the_target_of_a_large_subtree_is_read_from_the_cache_after_the_warm_job(world, all_large):
    year = timezone.localdate().year
    if (timezone.localdate() - dt.date(year, 1, 1)).days < 2:
        pytest.skip("too early in the year for an admission dated this year")
    org = world.a.org
    org.refresh_from_db()
    live = target_summary(org, year)
    factories.member(world.a.cells[0], "Vũ Thị Mới", admitted=dt.date(year, 1, 2), official=None)
    assert target_summary(org, year)["actual"] == live["actual"]  # kept a few minutes for a large subtree
    warm_large()
    summary = target_summary(org, year)
    assert summary["actual"] == live["actual"] + 1  # the warm job counted it
    assert summary["base"] == live["base"]
    with CaptureQueriesContext(connection) as ctx:
        target_summary(org, year)
    # Only the year's target row is read: no pass over the members.
    assert all("members_member" not in sql for sql in registry_queries(ctx)), registry_queries(ctx)


@pytest.mark.parametrize("username", ["root", "a_secretary"])
def test_the_dashboard_reads_no_member_rows_once_warmed(client, world, all_large, settings, username):
    """As the national administrator and as a province secretary: the warm job computed, as a superuser, the
    entries both read (a reader who may see the whole subtree shares them), and they are the live figures."""
    from accounts.models import User

    client.force_login(User.objects.get(username=username))
    warm_large()
    with CaptureQueriesContext(connection) as ctx:
        warmed = client.get(reverse("dashboard"))
    assert warmed.status_code == 200
    assert [sql for sql in registry_queries(ctx) if "members_member" in sql] == []
    settings.PARTYWORK_FIGURES_LIVE_MAX = 10**9  # every figure counted live
    live = client.get(reverse("dashboard"))
    charts = re.compile(r'<script id="chart-[^"]+-data" type="application/json">.*?</script>', re.S)
    assert charts.findall(warmed.content.decode()) == charts.findall(live.content.decode())
    assert len(charts.findall(live.content.decode())) >= 4


def test_one_worker_warms_per_period(world, all_large, settings):
    settings.PARTYWORK_FIGURES_WARM_EVERY_SECONDS = 60
    assert warm_if_due("one") is not None
    assert warm_if_due("two") is None  # another worker within the period: left to the first
    settings.PARTYWORK_FIGURES_WARM_EVERY_SECONDS = 0
    assert warm_if_due("three") is None  # switched off


def test_warm_job_survives_a_failing_figure(world, all_large):
    from core import registry

    def broken(request, org):
        raise RuntimeError("figure broken")

    card = registry.DashboardCard("test.broken", "core/dashboard.html", broken, order=999)
    registry.register_card(card)
    try:
        assert warm_large()  # the other figures are warmed all the same
    finally:
        registry.registry.cards.pop("test.broken", None)
