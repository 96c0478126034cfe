"""One write path per business event (issue 11): a member's status and organization change only through the
lifecycle actions that carry the party's rules; the registry's steps are reachable from nowhere else; the
counters live in one module; simultaneous actions answer 409, never 500 or a double move; letters to another
province tell nobody which ids exist there; dates that date arithmetic cannot use are a clear 400.
"""

from __future__ import annotations

import ast
import datetime as dt
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from core.actions import acting
from core.dates import add_days, add_months, add_years
from core.services import EditConflict
from lifecycle import services
from lifecycle.models import TransferLetter
from members import registry
from members.choices import MemberStatus
from members.models import Member, MemberHistory
from members.services import update_member
from orgs.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
TODAY = timezone.localdate()
APPS = ("accounts", "audit", "core", "exchange", "jobs", "lifecycle", "members", "orgs", "reorg", "config")


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def counts(org: Organization) -> tuple[int, int]:
    org = Organization.objects.get(pk=org.pk)
    return org.subtree_official, org.subtree_probationary


def on_probation(world, days_ago: int) -> Member:
    """A member admitted through the lifecycle, the ceremony ``days_ago`` days ago."""
    user, cell = world.a_secretary, world.a.cells[0]
    birth = dt.date(2000, 5, 1)
    case = services.submit_application(user, cell=cell, applied_on=days(days_ago + 15), full_name="Hoàng Văn Mới",
                                       gender="M", birth_date=birth, citizen_id=factories.citizen_id(birth, "M"))
    services.record_cell_resolution(user, case, number="01-NQ/CB", on=days(days_ago + 10))
    services.record_committee_decision(user, case, number="12-QĐ/ĐU", on=days(days_ago + 5))
    return services.hold_ceremony(user, case, on=days(days_ago)).member


# --- The three exploits of the old second door ----------------------------------------------------------------


def test_a_probationer_cannot_become_official_30_days_into_probation(world):
    member = on_probation(world, 30)
    client = api(world.a_secretary)
    response = client.post(f"/api/members/{member.pk}/status/", {"status": "official"}, format="json")
    assert response.status_code == 404  # the door is gone (it answered 200)
    refused = client.post(f"/api/lifecycle/members/{member.pk}/recognize/", {
        "vote_no": "1", "vote_date": TODAY.isoformat(), "decision_no": "2", "on": TODAY.isoformat()}, format="json")
    assert refused.status_code == 400 and "vote_date" in refused.json()
    assert Member.objects.get(pk=member.pk).status == MemberStatus.PROBATIONARY


def test_transferred_out_without_a_letter_cannot_make_a_member_vanish(world):
    member = world.a.members[0]
    before = counts(world.a.org)
    client = api(world.a_secretary)
    response = client.post(f"/api/members/{member.pk}/status/", {"status": "transferred_out"}, format="json")
    assert response.status_code == 404
    assert client.post(f"/api/lifecycle/members/{member.pk}/leave/", {
        "kind": "transferred_out", "on": TODAY.isoformat(), "decision": "1"}, format="json").status_code == 400
    assert Member.objects.get(pk=member.pk).status == MemberStatus.OFFICIAL
    assert counts(world.a.org) == before


def test_death_dated_in_the_future_is_refused(world):
    member = world.a.members[1]
    before = counts(world.a.org)
    client = api(world.a_secretary)
    response = client.post(f"/api/members/{member.pk}/status/",
                           {"status": "deceased", "effective_on": "2030-01-01"}, format="json")
    assert response.status_code == 404
    refused = client.post(f"/api/lifecycle/members/{member.pk}/leave/",
                          {"kind": "death", "on": "2030-01-01", "decision": "1-TB"}, format="json")
    assert refused.status_code == 400 and "on" in refused.json()
    assert Member.objects.get(pk=member.pk).status == MemberStatus.OFFICIAL
    assert counts(world.a.org) == before
    assert not MemberHistory.objects.filter(member=member, valid_from__gt=TODAY).exists()


# --- Who may call what --------------------------------------------------------------------------------------


def _app_modules():
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
            yield module, ast.parse(path.read_text(encoding="utf-8"))


def _imports(tree: ast.AST):
    """(imported module, imported name or None, local alias) for every import in the tree."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, alias.asname or alias.name.split(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                yield node.module, alias.name, alias.asname or alias.name


def test_the_registry_steps_are_reachable_only_from_the_lifecycle_actions():
    found = set()
    for module, tree in _app_modules():
        for imported, name, _alias in _imports(tree):
            if imported == "members.registry" or (imported == "members" and name == "registry"):
                found.add(module)
    assert found and found <= set(registry.CALLERS), found - set(registry.CALLERS)


DJANGO_PUBLIC = {"_meta", "_default_manager", "_base_manager", "_state"}  # underscored, documented, public


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__") and name not in DJANGO_PUBLIC


def test_no_app_calls_another_apps_private_names():
    offences = []
    for module, tree in _app_modules():
        app = module.split(".")[0]
        foreign_modules = {}
        for imported, name, alias in _imports(tree):
            other = imported.split(".")[0]
            if other == app or other not in APPS:
                continue
            if name is not None and _is_private(name):
                offences.append(f"{module}: from {imported} import {name}")
            foreign_modules[alias] = imported
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and _is_private(node.attr) and isinstance(node.value, ast.Name)
                    and node.value.id in foreign_modules):
                offences.append(f"{module}: {node.value.id}.{node.attr}")
    assert offences == []


def test_every_counter_writer_goes_through_members_counters():
    """Only members/counters.py writes the counter columns (the seeding's bulk load included)."""
    writers = []
    for module, tree in _app_modules():
        if module == "members.counters":
            continue
        source = ast.unparse(tree)
        for marker in ("F('subtree_", "F('direct_", "F(f'subtree_", "F(f'direct_", "SET direct_", "SET subtree_",
                       "= direct_official +", "= subtree_official +"):
            if marker in source:
                writers.append((module, marker))
    assert writers == []


# --- Simultaneous actions: 409, never 500, never a double move -------------------------------------------------


def test_two_interleaved_letters_for_one_member(world):
    member = world.a.members[0]
    one, two = api(world.a_secretary), api(world.a_secretary)
    version = one.get(f"/api/members/{member.pk}/").json()["lock_version"]
    assert two.get(f"/api/members/{member.pk}/").json()["lock_version"] == version
    body = {"member": member.pk, "to_org": world.a.cells[1].pk, "number": "1", "issued_on": TODAY.isoformat()}
    first = one.post("/api/lifecycle/transfers/", {**body, "lock_version": version}, format="json")
    assert first.status_code == 201, first.content
    second = two.post("/api/lifecycle/transfers/", {**body, "number": "2", "lock_version": version}, format="json")
    assert second.status_code == 409
    third = two.post("/api/lifecycle/transfers/", {**body, "number": "3"}, format="json")  # no version: re-checked
    assert third.status_code == 409
    assert TransferLetter.objects.filter(member=member).count() == 1


def test_two_confirmations_move_the_member_once(world):
    member = world.a.members[0]
    src, dst = world.a.cells[0], world.a.cells[1]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=dst, number="5", issued_on=days(2))
    one, two = api(world.a_secretary), api(world.admin)
    version = one.get(f"/api/lifecycle/transfers/{letter.pk}/").json()["lock_version"]
    body = {"received_on": days(1).isoformat(), "lock_version": version}
    assert one.post(f"/api/lifecycle/transfers/{letter.pk}/confirm/", body, format="json").status_code == 200
    assert two.post(f"/api/lifecycle/transfers/{letter.pk}/confirm/", body, format="json").status_code == 409
    again = two.post(f"/api/lifecycle/transfers/{letter.pk}/confirm/", {"received_on": days(1).isoformat()},
                     format="json")
    assert again.status_code == 409
    assert MemberHistory.objects.filter(member=member, event="transferred").count() == 1
    assert Organization.objects.get(pk=src.pk).direct_official == 1
    assert Organization.objects.get(pk=dst.pk).direct_official == 3


def test_a_stale_admission_step_answers_409(world):
    user = world.a_secretary
    birth = dt.date(2001, 1, 1)
    case = services.submit_application(user, cell=world.a.cells[0], applied_on=days(10), full_name="Lò Văn Một",
                                       gender="M", birth_date=birth, citizen_id=factories.citizen_id(birth, "M"))
    client = api(user)
    version = client.get(f"/api/lifecycle/admissions/{case.pk}/").json()["lock_version"]
    body = {"number": "1", "on": days(5).isoformat(), "lock_version": version}
    assert client.post(f"/api/lifecycle/admissions/{case.pk}/cell-resolution/", body,
                       format="json").status_code == 200
    assert client.post(f"/api/lifecycle/admissions/{case.pk}/cell-resolution/", body,
                       format="json").status_code == 409
    del body["lock_version"]
    assert client.post(f"/api/lifecycle/admissions/{case.pk}/cell-resolution/", body,
                       format="json").status_code == 409


def test_a_stale_recognition_or_leaving_answers_409(world):
    member = on_probation(world, 400)
    client = api(world.a_secretary)
    version = client.get(f"/api/members/{member.pk}/").json()["lock_version"]
    recognize = {"vote_no": "1", "vote_date": days(2).isoformat(), "decision_no": "2", "on": days(1).isoformat()}
    assert client.post(f"/api/lifecycle/members/{member.pk}/recognize/", {**recognize, "lock_version": version},
                       format="json").status_code == 200
    assert client.post(f"/api/lifecycle/members/{member.pk}/recognize/", recognize, format="json").status_code == 409
    leave = {"kind": "voluntary", "on": TODAY.isoformat(), "decision": "3", "lock_version": version}
    assert client.post(f"/api/lifecycle/members/{member.pk}/leave/", leave, format="json").status_code == 409
    assert Member.objects.get(pk=member.pk).status == MemberStatus.OFFICIAL


needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql",
                                      reason="row locks across connections: PostgreSQL only")


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_edit_waiting_on_a_concurrent_move_answers_409_on_postgresql():
    """The edit waits for the move's row lock; it used to lose the row (``Member.DoesNotExist``, a 500) because the
    scoped lock re-checked the moved row against its old organization."""
    world = factories.build_world()
    member = world.a.members[0]
    stale = member.lock_version
    locked, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def move() -> None:
        try:
            with acting(world.admin, "test.move"):
                moving = registry.lock_member(world.admin, member.pk)
                moving.lock_version += 1
                registry.move(moving, world.a.cells[1], TODAY)
                locked.set()
                release.wait(10)
        except BaseException as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
            locked.set()
        finally:
            connection.close()

    mover = threading.Thread(target=move)
    mover.start()
    assert locked.wait(10)
    threading.Timer(0.5, release.set).start()
    with pytest.raises(EditConflict):
        update_member(world.a_secretary, member, expected_version=stale, occupation="Kỹ sư")
    mover.join(10)
    assert errors == []
    assert Member.objects.get(pk=member.pk).organization_id == world.a.cells[1].pk


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_confirmations_on_postgresql():
    world = factories.build_world()
    member = world.a.members[0]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], number="5",
                                            issued_on=days(2))
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def confirm() -> None:
        try:
            client = api(world.a_secretary)
            barrier.wait(10)
            codes.append(client.post(f"/api/lifecycle/transfers/{letter.pk}/confirm/",
                                     {"received_on": days(1).isoformat()}, format="json").status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    time.sleep(0)
    assert sorted(codes) == [200, 409]
    assert MemberHistory.objects.filter(member=member, event="transferred").count() == 1


# --- Letters to another province: no existence oracle ------------------------------------------------------


def test_a_foreign_cell_answers_like_a_missing_one(world):
    client = api(world.a_secretary)
    member = world.a.members[0]
    answers = []
    for to_org in (world.b.cells[0].pk, 9_999_999):
        for issued_on in (TODAY.isoformat(), "2199-12-31"):
            response = client.post("/api/lifecycle/transfers/", {"member": member.pk, "to_org": to_org,
                                                                 "number": "1", "issued_on": issued_on},
                                   format="json")
            answers.append((response.status_code, str(response.json()).replace(str(to_org), "ID")))
    assert answers[0] == answers[2] and answers[1] == answers[3]
    assert answers[0][0] == 400 and not TransferLetter.objects.exists()
    # The service itself gives one sentence for a foreign cell, living or dissolved.
    with pytest.raises(ValidationError) as err:
        services.issue_transfer_letter(world.a_secretary, member, to_org=world.b.cells[0], number="1",
                                       issued_on=TODAY)
    assert err.value.message_dict["to_org"] == [str(services.NOT_AN_ADDRESSEE)]


def test_pages_answer_a_foreign_cell_like_a_missing_one(world, client):
    client.force_login(world.a_secretary)
    url = f"/lifecycle/members/{world.a.members[0].pk}/transfer/"
    bodies = [{"to_org": value, "kind": "official", "number": "x", "issued_on": TODAY.isoformat()}
              for value in (world.b.cells[0].code, "T99.NOPE", str(world.b.cells[0].pk), "9999999")]
    pages = [client.post(url, body) for body in bodies]
    assert {p.status_code for p in pages} == {400}
    errors = {str(p.context["form"].errors.as_data()) for p in pages}
    assert len(errors) == 1, errors


def test_the_committee_assigns_a_cell_of_its_own(world):
    member = world.a.members[0]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.b.org, number="1",
                                            issued_on=days(1))
    with pytest.raises(ValidationError):  # not one of the receiving committee's cells
        services.confirm_receipt(world.admin, letter, received_on=TODAY, cell=world.a.cells[1])
    with pytest.raises(ValidationError):  # a committee, not a cell
        services.confirm_receipt(world.b_secretary, letter, received_on=TODAY, cell=world.b.grassroots)
    services.confirm_receipt(world.b_secretary, letter, received_on=TODAY, cell=world.b.cells[1])
    assert Member.objects.get(pk=member.pk).organization_id == world.b.cells[1].pk


# --- Dates that arithmetic cannot use ------------------------------------------------------------------------


def test_badges_with_dates_at_the_end_of_the_calendar_are_a_400(world, client):
    client.force_login(world.a_secretary)
    a = api(world.a_secretary)
    for query in ("end=9999-12-31", "start=9999-01-01&end=9999-12-31", "start=0001-01-01&end=0001-12-31",
                  "end=9999-12-31&early=1"):
        assert client.get(f"/lifecycle/badges/?{query}").status_code == 400, query
        assert client.get(f"/lifecycle/badges/?{query}&format=xlsx").status_code == 400, query
        assert a.get(f"/api/lifecycle/badges/?{query}").status_code == 400, query
    assert client.get("/lifecycle/badges/?end=2199-12-31&early=1").status_code == 200
    assert a.get("/api/lifecycle/badges/?start=2199-01-01&end=2199-12-31&early=1").status_code == 200


def test_date_arithmetic_answers_a_validation_error():
    for call in (lambda: add_days(dt.date.max, 1), lambda: add_months(dt.date.max, 1),
                 lambda: add_years(dt.date.min, -1)):
        with pytest.raises(ValidationError):
            call()
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
