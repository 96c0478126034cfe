"""One rule for past places (issue 11): a user sees the past of the organizations in their scope today, as they
were then, and nothing of an organization outside their scope today - in every as-of read."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.test import APIClient

from core.actions import SYSTEM
from reorg import services

pytestmark = pytest.mark.django_db

MOVED_ON = dt.date(2025, 6, 1)
BEFORE = dt.date(2025, 5, 31)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def moved(world):
    """A's grassroots committee (both cells, all four members) moved to province B."""
    services.create_reorganization(SYSTEM, kind="transfer", plan={"organizations": [world.a.grassroots.pk],
                                                                "to": world.b.org.pk},
                                   effective_on=MOVED_ON, decision="7-QĐ/TW", decision_date=MOVED_ON,
                                   today=dt.date(2026, 1, 1))
    return world


def _as_of(user, org, on=BEFORE):
    response = api(user).get("/api/reorganizations/as-of/", {"organization": org.pk, "on": on.isoformat(),
                                                              "depth": 6})
    assert response.status_code == 200, response.content
    data = response.json()
    return {row["organization"] for row in data["tree"]}, data["members"]


def _tree(user, on=BEFORE):
    response = api(user).get("/api/organizations/tree/", {"as_of": on.isoformat()})
    assert response.status_code == 200, response.content
    return {row["organization"] for row in response.json()["results"]}


def test_a_past_subtree_now_in_another_province_is_not_shown(moved, client):
    world = moved
    gone = {world.a.grassroots.pk, *(c.pk for c in world.a.cells)}
    ids, members = _as_of(world.a_secretary, world.a.org)
    assert ids == {world.a.org.pk} and not ids & gone
    assert members == {"official": 0, "probationary": 0, "total": 0}
    # The same rule as the tree and the member as-of reads.
    assert _tree(world.a_secretary) == ids
    rows = api(world.a_secretary).get(f"/api/organizations/{world.a.org.pk}/members/",
                                      {"as_of": BEFORE.isoformat(), "subtree": "1"}).json()["results"]
    assert rows == []
    client.force_login(world.a_secretary)
    page = client.get("/reorg/as-of/", {"organization": world.a.org.pk, "on": BEFORE.isoformat()})
    assert page.status_code == 200
    text = page.content.decode()
    assert "T22.G1" not in text and world.a.grassroots.name not in text


def test_the_receiving_side_sees_the_moved_organizations_as_they_were(moved):
    world = moved
    assert {world.a.grassroots.pk, *(c.pk for c in world.a.cells)} <= _tree(world.b_secretary)
    ids, members = _as_of(world.b_secretary, world.b.org)  # they were not under B then
    assert world.a.grassroots.pk not in ids and members["total"] == len(world.b.members)
    ids, members = _as_of(world.b_secretary, world.a.grassroots)
    assert ids == {world.a.grassroots.pk, *(c.pk for c in world.a.cells)} and members["total"] == 4


def test_the_whole_party_is_seen_by_its_administrator(moved):
    world = moved
    ids, members = _as_of(world.admin, world.a.org)
    assert world.a.grassroots.pk in ids and members["total"] == 4
    after, members_after = _as_of(world.admin, world.a.org, dt.date(2025, 7, 1))
    assert after == {world.a.org.pk} and members_after["total"] == 0
