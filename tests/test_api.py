"""The REST API: token login, scope, filters, keyset pages, validation, conflicts, history and audit.

Data comes from the shared ``world`` fixture (tests/conftest.py), built through the real actions.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import RoleGrant
from audit.models import AuditRecord
from core.actions import acting
from members.models import Member
from orgs.models import Organization
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    """Throttle counters live in the cache; each test starts with none."""
    cache.clear()
    yield
    cache.clear()


def api(user=None, language: str | None = None) -> APIClient:
    client = APIClient()
    if language:
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    if user is not None:
        with acting(user, "tests.token", check_scope=False):
            token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def walk(client: APIClient, url: str, direction: str = "next") -> list[dict]:
    """Follow the pagination links from ``url`` to the end, collecting every row."""
    rows: list[dict] = []
    pages = 0
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        rows.extend(response.data["results"])
        url = response.data[direction]
        pages += 1
        assert pages < 100
    return rows


# --- authentication --------------------------------------------------------------------------------------


def test_token_login_and_me(world):
    client = APIClient()
    response = client.post("/api/auth/token/", {"username": "a_secretary", "password": factories.PASSWORD},
                           format="json")
    assert response.status_code == 200, response.content
    token = response.data["token"]
    assert AuditRecord.objects.filter(event="login", actor=world.a_secretary, action="accounts.obtain_token").exists()

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/me/")
    assert me.status_code == 200
    assert me.data["user"]["username"] == "a_secretary"
    assert [g["role_code"] for g in me.data["grants"]] == ["secretary"]
    assert {lang["code"] for lang in me.data["languages"]} >= {"vi", "en", "de"}

    # The same token again; a wrong password is a 400 without saying which part was wrong.
    again = APIClient().post("/api/auth/token/", {"username": "a_secretary", "password": factories.PASSWORD})
    assert again.data["token"] == token
    bad = APIClient().post("/api/auth/token/", {"username": "a_secretary", "password": "wrong-password-1"})
    assert bad.status_code == 400
    assert "token" not in bad.data


def test_anonymous_is_refused(world):
    assert APIClient().get("/api/members/").status_code in (401, 403)


def test_token_endpoint_is_throttled(world):
    client = APIClient()
    codes = [client.post("/api/auth/token/", {"username": "nobody", "password": "x"}).status_code
             for _ in range(12)]
    assert codes[0] == 400
    assert codes[-1] == 429
    throttled = client.post("/api/auth/token/", {"username": "nobody", "password": "x"})
    assert throttled["Content-Type"].startswith("application/json") and "detail" in throttled.json()


# --- scope -----------------------------------------------------------------------------------------------


def test_lists_and_details_are_scoped(world):
    client = api(world.a_secretary)
    b_member = world.b.members[0]
    assert client.get(f"/api/members/{b_member.pk}/").status_code == 404
    assert client.get(f"/api/organizations/{world.b.org.pk}/").status_code == 404
    assert client.get(f"/api/organizations/{world.b.org.pk}/members/").status_code == 404
    assert client.get(f"/api/users/{world.b_secretary.pk}/").status_code == 404
    assert client.patch(f"/api/members/{b_member.pk}/", {"lock_version": 0, "occupation": "x"},
                        format="json").status_code == 404

    ids = {row["id"] for row in walk(client, "/api/members/")}
    assert ids == {m.pk for m in world.a.members}
    orgs = {row["id"] for row in walk(client, "/api/organizations/")}
    assert orgs == {world.a.org.pk, world.a.grassroots.pk, *(c.pk for c in world.a.cells)}
    users = {row["username"] for row in walk(client, "/api/users/")}
    assert users == {"a_secretary", "a_viewer"}

    # A filter naming B's organization finds nothing rather than B's members.
    assert client.get(f"/api/members/?organization={world.b.org.pk}").data["results"] == []

    admin = api(world.admin)
    assert len(walk(admin, "/api/members/")) == len(world.a.members) + len(world.b.members)
    assert admin.get(f"/api/members/{b_member.pk}/").status_code == 200


def test_stats_children_subtree(world):
    client = api(world.a_secretary)
    stats = client.get(f"/api/organizations/{world.a.org.pk}/stats/").data
    assert stats["subtree_total"] == len(world.a.members)
    assert stats["direct_total"] == 0
    children = client.get(f"/api/organizations/{world.a.grassroots.pk}/children/").data["results"]
    assert [c["id"] for c in children] == [c.pk for c in world.a.cells]
    subtree = walk(client, f"/api/organizations/{world.a.org.pk}/subtree/")
    assert [o["path"] for o in subtree] == sorted(o["path"] for o in subtree)
    assert len(subtree) == 4


def test_viewer_cannot_write_anywhere_gets_403(world):
    client = api(world.a_viewer)
    response = client.post("/api/members/", {}, format="json")
    assert response.status_code == 403
    member = world.a.members[0]
    assert client.patch(f"/api/members/{member.pk}/", {"lock_version": 0}, format="json").status_code == 403


# --- search, filters, pagination ---------------------------------------------------------------------


def test_search_without_diacritics(world):
    client = api(world.a_secretary)
    for query in ("nguyen van duc", "Nguyễn Văn Đức", "NGUYEN VAN D", "duc nguyen"):
        names = [r["full_name"] for r in client.get("/api/members/", {"q": query}).data["results"]]
        assert names == ["Nguyễn Văn Đức"], query
    names = [r["full_name"] for r in client.get("/api/members/", {"q": "pham duc"}).data["results"]]
    assert names == ["Phạm Đức Anh"]
    # Organizations by any words of the name: the province and everything named after it.
    orgs = client.get("/api/organizations/", {"q": "quang ninh"}).data["results"]
    assert world.a.org.pk in [o["id"] for o in orgs]
    assert all("Quảng Ninh" in o["name"] for o in orgs)
    orgs = client.get("/api/organizations/", {"q": "thon 1 ninh"}).data["results"]  # words after "Chi bộ"
    assert [o["id"] for o in orgs] == [world.a.cells[0].pk]


def test_member_filters(world):
    client = api(world.a_secretary)
    cell = world.a.cells[0]
    in_cell = {r["id"] for r in client.get("/api/members/", {"organization": cell.pk}).data["results"]}
    assert in_cell == {m.pk for m in world.a.members if m.organization_id == cell.pk}
    women = client.get("/api/members/", {"gender": "F"}).data["results"]
    assert women and all(r["gender"] == "F" for r in women)
    assert client.get("/api/members/", {"status": "probationary"}).data["results"] == []
    assert len(client.get("/api/members/", {"admission_year": 2005}).data["results"]) == len(world.a.members)
    assert client.get("/api/members/", {"admission_year": 2006}).data["results"] == []
    cells = client.get("/api/organizations/", {"org_type": "cell", "within": world.a.org.pk}).data["results"]
    assert {c["id"] for c in cells} == {c.pk for c in world.a.cells}


def test_keyset_pages_visit_every_row_once(world):
    for i in range(7):
        factories.member(world.a.cells[i % 2], f"Hoàng Văn Thêm {i}")
    client = api(world.a_secretary)
    expected = set(Member.objects.restrict(world.a_secretary).values_list("pk", flat=True))
    for ordering in ("name", "-name", "birth_date", "admission_date", "-id"):
        forward = walk(client, f"/api/members/?page_size=3&ordering={ordering}")
        ids = [r["id"] for r in forward]
        assert len(ids) == len(set(ids)) == len(expected), ordering
        assert set(ids) == expected
        # From the last page back to the first through the previous links.
        last = client.get(f"/api/members/?page_size=3&ordering={ordering}")
        while last.data["next"]:
            last = client.get(last.data["next"])
        backward = list(last.data["results"])
        url = last.data["previous"]
        while url:
            page = client.get(url)
            backward = page.data["results"] + backward
            url = page.data["previous"]
        assert [r["id"] for r in backward] == ids, ordering
    names = [r["full_name"] for r in walk(client, "/api/members/?page_size=4")]
    from core.text import search_key

    assert [search_key(n) for n in names] == sorted(search_key(n) for n in names)


def test_member_list_is_a_constant_number_of_queries(world):
    for i in range(6):
        factories.member(world.a.cells[i % 2], f"Vũ Thị Mai {i}")
    client = api(world.a_secretary)
    client.get("/api/members/?page_size=1")  # warm the content-type cache

    expected = list(Member.objects.restrict(world.a_secretary, "view").order_by("name_key", "id")
                    .select_related("organization"))
    assert len(expected) == 10

    def count(size: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(f"/api/members/?page_size={size}")
        assert response.status_code == 200
        rows = response.data["results"]
        # The page holds the rows it should, with the values read through the joins the count is about.
        assert [r["id"] for r in rows] == [m.pk for m in expected[:size]]
        assert [(r["full_name"], r["organization_name"]) for r in rows] == [
            (m.full_name, m.organization.name) for m in expected[:size]]
        return len(ctx.captured_queries)

    assert count(2) == count(10)


def test_bad_input_is_never_a_500(world):
    client = api(world.a_secretary)
    org = world.a.org.pk
    urls = [
        "/api/members/?cursor=garbage", "/api/members/?cursor=eyJ2IjpbMV0sImIiOmZhbHNlfQ",
        "/api/members/?page_size=abc", "/api/members/?page_size=-4", "/api/members/?ordering=salary",
        "/api/members/?organization=abc", "/api/members/?organization=999999999999999999999999999",
        "/api/members/?born_after=2020-13-45", "/api/members/?status=king", "/api/members/?gender=X",
        "/api/members/?age=old", "/api/members/?admission_year=99999999", "/api/members/abc/",
        "/api/members/99999999999999999999999999/", "/api/members/99999999999999999999999999/history/",
        "/api/organizations/?within=1e400", "/api/organizations/?org_type=x", "/api/organizations/?active=maybe",
        "/api/organizations/?parent=99999999999999999999999",
        "/api/organizations/tree/?as_of=2024-02-30", "/api/organizations/tree/?as_of=yesterday",
        "/api/organizations/tree/?root=abc", "/api/organizations/tree/?root=99999999999999999999999",
        f"/api/organizations/{org}/members/?as_of=99999-01-01", f"/api/organizations/{org}/members/?subtree=x",
        "/api/audit/?since=never", "/api/audit/?object_type=nodot", "/api/audit/?event=party",
        "/api/audit/?organization=-1", "/api/grants/?cursor=%%%",
    ]
    failures = []
    for url in urls:
        try:
            response = client.get(url)
        except Exception as exc:  # noqa: BLE001 - report every failing URL at once
            failures.append((url, repr(exc)))
            continue
        if response.status_code not in (200, 400, 404):
            failures.append((url, response.status_code, response.content[:300]))
    assert not failures
    assert client.get("/api/members/?cursor=garbage").status_code == 400
    assert "cursor" in client.get("/api/members/?cursor=garbage").data
    assert client.get("/api/organizations/tree/?as_of=2024-02-30").status_code == 400
    assert "as_of" in client.get("/api/organizations/tree/?as_of=2024-02-30").data

    bodies = [
        {"organization": 10**30}, {"organization": "x"}, {"organization": True}, {"organization": [1]},
        {"organization": 1.5}, {"organization": None},
        {"birth_date": "1980-02-31"}, {"status": "emperor"}, {"gender": 5}, {"full_name": {"a": 1}},
    ]
    for body in bodies:
        response = client.post("/api/members/", body, format="json")
        assert response.status_code == 400, (body, response.content[:300])
    member = world.a.members[0]
    for body in ({"lock_version": "x"}, {"lock_version": 10**40}, {"lock_version": -1},
                 {"lock_version": 0, "birth_date": "31/12/1980"}, {}):
        assert client.patch(f"/api/members/{member.pk}/", body, format="json").status_code == 400, body
    for body in ({"to_org": "x"}, {"to_org": 10**30}, {"member": member.pk, "to_org": world.a.cells[1].pk,
                                                      "number": "1", "issued_on": "2020-02-30"}):
        assert client.post("/api/lifecycle/transfers/", body, format="json").status_code == 400, body
    leave = f"/api/lifecycle/members/{member.pk}/leave/"
    assert client.post(leave, {"kind": "king"}, format="json").status_code == 400
    assert client.post("/api/auth/token/", "not json", content_type="application/json").status_code == 400


# --- writes: validation, language, conflicts ----------------------------------------------------------


def _new_member(org: Organization, **overrides) -> dict:
    data = {
        "organization": org.pk, "full_name": "Đặng Thị Thu", "gender": "F", "birth_date": "1990-07-08",
        "admission_date": "2015-01-02", "official_date": "2016-01-02", "status": "official",
        "citizen_id": "022190123456", "ethnicity": "Kinh",
    }
    data.update(overrides)
    return data


def test_create_member_and_its_errors(world):
    client = api(world.a_secretary)
    cell = world.a.cells[0]
    response = client.post("/api/members/", _new_member(cell), format="json")
    assert response.status_code == 201, response.content
    created = Member.objects.get(pk=response.data["id"])
    assert created.organization_id == cell.pk
    assert response.data["organization_name"] == cell.name
    assert created.history.count() == 2  # probation, then official

    bad_id = client.post("/api/members/", _new_member(cell, citizen_id="12345"), format="json")
    assert bad_id.status_code == 400 and "citizen_id" in bad_id.data
    wrong_year = client.post("/api/members/", _new_member(cell, citizen_id="022185123457"), format="json")
    assert wrong_year.status_code == 400 and "citizen_id" in wrong_year.data
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    born_later = client.post("/api/members/", _new_member(cell, birth_date=future, citizen_id=""), format="json")
    assert born_later.status_code == 400 and "birth_date" in born_later.data
    unknown = client.post("/api/members/", _new_member(cell, organization=987654), format="json")
    assert unknown.status_code == 400 and "organization" in unknown.data
    foreign = client.post("/api/members/", _new_member(world.b.cells[0], citizen_id="022190123458"), format="json")
    assert foreign.status_code == 400 and "organization" in foreign.data
    not_a_cell = client.post("/api/members/", _new_member(world.a.grassroots, citizen_id="022190123459"),
                             format="json")
    assert not_a_cell.status_code == 400 and "organization" in not_a_cell.data
    duplicate = client.post("/api/members/", _new_member(cell), format="json")
    assert duplicate.status_code == 400 and "citizen_id" in duplicate.data
    assert Member.objects.filter(full_name="Đặng Thị Thu").count() == 1


def test_errors_speak_the_callers_language(world):
    german = api(world.a_secretary, language="de").post("/api/members/", {"gender": "F"}, format="json")
    assert german.status_code == 400
    from django.utils import translation

    with translation.override("de"):
        expected = translation.gettext("This field is required.")
    assert expected != "This field is required." and german.data["full_name"] == [expected]
    english = api(world.a_secretary, language="en").post("/api/members/", {"gender": "F"}, format="json")
    assert english.data["full_name"] == ["This field is required."]


def test_patch_with_a_stale_version_is_a_conflict(world):
    client = api(world.a_secretary)
    member = world.a.members[1]
    first = client.patch(f"/api/members/{member.pk}/", {"lock_version": member.lock_version,
                                                        "occupation": "Giáo viên"}, format="json")
    assert first.status_code == 200, first.content
    assert first.data["lock_version"] == member.lock_version + 1
    stale = client.patch(f"/api/members/{member.pk}/", {"lock_version": member.lock_version,
                                                        "occupation": "Kỹ sư"}, format="json")
    assert stale.status_code == 409
    member.refresh_from_db()
    assert member.occupation == "Giáo viên"

    org = world.a.grassroots
    ok = client.patch(f"/api/organizations/{org.pk}/", {"lock_version": org.lock_version,
                                                        "establishing_decision": "2-QĐ/TU"}, format="json")
    assert ok.status_code == 200, ok.content
    again = client.patch(f"/api/organizations/{org.pk}/", {"lock_version": org.lock_version,
                                                           "establishing_decision": "3-QĐ/TU"}, format="json")
    assert again.status_code == 409
    org.refresh_from_db()
    assert org.establishing_decision == "2-QĐ/TU"


def test_transfer_out_of_scope_is_refused(world):
    client = api(world.a_secretary)
    member = world.a.members[0]
    before = (member.organization_id, Organization.objects.get(pk=world.b.cells[0].pk).subtree_official,
              member.history.count())
    response = client.post("/api/lifecycle/transfers/", {"member": member.pk, "to_org": world.b.cells[0].pk,
                                                         "number": "1", "issued_on": "2024-01-01"}, format="json")
    assert response.status_code in (400, 404)
    member.refresh_from_db()
    assert (member.organization_id, Organization.objects.get(pk=world.b.cells[0].pk).subtree_official,
            member.history.count()) == before


def test_create_organization_user_and_grant(world):
    client = api(world.a_secretary)
    created = client.post("/api/organizations/", {
        "parent": world.a.grassroots.pk, "code": "T22.G1.C9", "name": "Chi bộ thôn 9", "org_type": "cell",
        "established_on": "2024-03-01", "establishing_decision": "12-QĐ/ĐU",
    }, format="json")
    assert created.status_code == 201, created.content
    assert created.data["path"].startswith(world.a.grassroots.path)
    outside = client.post("/api/organizations/", {"parent": world.b.grassroots.pk, "code": "X1", "name": "X",
                                                  "org_type": "cell"}, format="json")
    assert outside.status_code == 400 and "parent" in outside.data
    wrong_type = client.post("/api/organizations/", {"parent": world.a.grassroots.pk, "code": "X2", "name": "X",
                                                     "org_type": "level1"}, format="json")
    assert wrong_type.status_code == 400 and "org_type" in wrong_type.data
    duplicate = client.post("/api/organizations/", {"parent": world.a.grassroots.pk, "code": "T22.G1.C9",
                                                    "name": "X", "org_type": "cell"}, format="json")
    assert duplicate.status_code == 400 and "code" in duplicate.data

    user = client.post("/api/users/", {"username": "clerk1", "organization": world.a.cells[0].pk,
                                       "password": "Another-long-pw-77"}, format="json")
    assert user.status_code == 201, user.content
    weak = client.post("/api/users/", {"username": "clerk2", "organization": world.a.cells[0].pk,
                                       "password": "123"}, format="json")
    assert weak.status_code == 400 and "password" in weak.data
    assert client.post("/api/users/", {"username": "clerk3", "organization": world.b.cells[0].pk},
                       format="json").status_code == 400

    roles = {r["code"]: r for r in client.get("/api/roles/").data["results"]}
    assert "members.add_member" in roles["secretary"]["permissions"]
    grant = client.post("/api/grants/", {"user": user.data["id"], "role": roles["office_clerk"]["id"],
                                         "organization": world.a.cells[0].pk}, format="json")
    assert grant.status_code == 201, grant.content
    assert client.post("/api/grants/", {"user": user.data["id"], "role": roles["office_clerk"]["id"],
                                        "organization": world.b.cells[0].pk}, format="json").status_code == 400
    assert client.post("/api/grants/", {"user": world.b_secretary.pk, "role": roles["viewer"]["id"],
                                        "organization": world.a.cells[0].pk}, format="json").status_code == 400
    revoked = client.delete(f"/api/grants/{grant.data['id']}/")
    assert revoked.status_code == 204
    assert RoleGrant.objects.get(pk=grant.data["id"]).valid_to == timezone.localdate()
    b_grant = RoleGrant.objects.get(user=world.b_secretary)
    assert client.delete(f"/api/grants/{b_grant.pk}/").status_code == 404
    assert RoleGrant.objects.get(pk=b_grant.pk).valid_to is None


# --- history --------------------------------------------------------------------------------------------


def test_tree_as_of_shows_the_old_name(world):
    client = api(world.a_secretary)
    org = world.a.grassroots
    renamed = client.patch(f"/api/organizations/{org.pk}/", {
        "lock_version": org.lock_version, "name": "Đảng bộ phường Mới", "effective_on": "2025-06-01",
        "decision": "99-QĐ/TU",
    }, format="json")
    assert renamed.status_code == 200, renamed.content

    def names(as_of: str) -> dict[int, str]:
        response = client.get("/api/organizations/tree/", {"as_of": as_of, "root": world.a.org.pk})
        assert response.status_code == 200, response.content
        return {row["organization"]: row["name"] for row in response.data["results"]}

    assert names("2025-01-01")[org.pk] == org.name
    assert names(timezone.localdate().isoformat())[org.pk] == "Đảng bộ phường Mới"
    assert set(names("2025-01-01")) == {world.a.org.pk, org.pk, *(c.pk for c in world.a.cells)}
    assert names("2019-01-01") == {}
    history = client.get(f"/api/organizations/{org.pk}/history/").data["results"]
    assert [h["name"] for h in history] == [org.name, "Đảng bộ phường Mới"]
    # Province B's tree is not there for A's secretary, with or without a root.
    whole = client.get("/api/organizations/tree/", {"as_of": "2025-01-01"}).data["results"]
    assert world.b.org.pk not in {row["organization"] for row in whole}
    assert client.get("/api/organizations/tree/", {"root": world.b.org.pk}).status_code == 404


def test_members_as_of_follow_a_transfer(world):
    client = api(world.a_secretary)
    member = world.a.members[0]
    source, target = world.a.cells[0], world.a.cells[1]
    assert member.organization_id == source.pk
    letter = client.post("/api/lifecycle/transfers/", {
        "member": member.pk, "to_org": target.pk, "number": "5-GGT", "issued_on": "2025-06-01"}, format="json")
    assert letter.status_code == 201, letter.content
    moved = client.post(f"/api/lifecycle/transfers/{letter.data['id']}/confirm/", {
        "received_on": "2025-06-01", "decision": "5-QĐ/ĐU"}, format="json")
    assert moved.status_code == 200, moved.content
    assert Member.objects.get(pk=member.pk).organization_id == target.pk

    def ids(org: Organization, as_of: str, subtree: bool = False) -> list[int]:
        params = {"as_of": as_of, **({"subtree": "1"} if subtree else {})}
        response = client.get(f"/api/organizations/{org.pk}/members/", params)
        assert response.status_code == 200, response.content
        return [row["member"] for row in response.data["results"]]

    assert member.pk in ids(source, "2025-01-01")
    assert member.pk not in ids(target, "2025-01-01")
    assert member.pk not in ids(source, "2025-07-01")
    assert member.pk in ids(target, "2025-07-01")
    everyone_then = ids(world.a.grassroots, "2025-01-01", subtree=True)
    assert sorted(everyone_then) == sorted(m.pk for m in world.a.members)
    history = client.get(f"/api/members/{member.pk}/history/").data["results"]
    assert [h["event"] for h in history][-1] == "transferred"
    assert history[-2]["valid_to"] == "2025-06-01"


def test_status_change(world):
    client = api(world.a_secretary)
    member = world.a.members[2]
    leave = f"/api/lifecycle/members/{member.pk}/leave/"
    response = client.post(leave, {"kind": "death", "on": "2025-03-01", "decision": "12-TB",
                                   "note": "Từ trần"}, format="json")
    assert response.status_code == 200, response.content
    assert response.data["status"] == "deceased"
    stats = client.get(f"/api/organizations/{world.a.org.pk}/stats/").data
    assert stats["subtree_total"] == len(world.a.members) - 1
    again = client.post(leave, {"kind": "voluntary", "on": "2025-04-01", "decision": "13-TB"}, format="json")
    assert again.status_code == 409


# --- audit, schema --------------------------------------------------------------------------------------


def test_api_writes_are_audited_with_the_actor(world):
    client = api(world.a_secretary)
    member = world.a.members[1]
    response = client.patch(f"/api/members/{member.pk}/", {"lock_version": member.lock_version,
                                                           "home_town": "Hạ Long"}, format="json",
                            REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    records = client.get("/api/audit/", {"object_type": "members.member", "object_id": str(member.pk),
                                         "event": "update"}).data["results"]
    assert records, "the change is not in the audit trail"
    latest = records[0]
    assert latest["actor"] == world.a_secretary.pk and latest["actor_label"] == "a_secretary"
    assert latest["action"] == "members.update_member"
    assert latest["changes"]["home_town"][1] == "Hạ Long"
    assert latest["ip"] == "10.1.2.3"
    # Newest first, and nothing of province B.
    all_rows = walk(client, "/api/audit/?page_size=20")
    assert [r["id"] for r in all_rows] == sorted((r["id"] for r in all_rows), reverse=True)
    b_ids = {str(m.pk) for m in world.b.members}
    assert not any(r["object_type"] == "members.member" and r["object_id"] in b_ids for r in all_rows)


def test_schema_and_docs(world):
    client = api(world.a_secretary)
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/organizations/tree/" in schema.content
    assert client.get("/api/docs/").status_code == 200
