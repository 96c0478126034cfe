"""Issue 18, points 1, 3 and 4: the member's actions by clicking, search by any words, the count of a list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.actions import SYSTEM
from core.object_views import ObjectListView
from lifecycle import services as lifecycle
from members.models import Member
from members.services import register_member
from orgs.services import establish_organization
from tests import factories

ON = dt.date(2026, 1, 10)


def login(client, user):
    client.force_login(user)
    return client


def actions_on(client, member) -> list[str]:
    """The action codes offered in the member page's action bar, in order."""
    response = client.get(reverse("members:detail", kwargs={"pk": member.pk}))
    assert response.status_code == 200
    bar = response.content.decode().split('data-testid="member-actions"')[1].split("</div>")[0]
    return re.findall(r'data-action="([a-z_]+)"', bar)


@pytest.fixture
def clerk(world):
    """An office clerk of province A's grassroots committee (no committee decisions)."""
    return factories.user_with_role("clerk_a", "office_clerk", world.a.grassroots)


# --- 1. The member's actions --------------------------------------------------------------------------------


def test_member_page_offers_exactly_what_the_user_may_do_in_the_members_state(world, client, clerk):
    official = world.a.members[0]
    assert actions_on(login(client, clerk), official) == ["transfer", "exemption", "leave", "correct"]
    probationary = factories.member(world.a.cells[0], "Đỗ Văn Thử", official=None)
    # Ending probation is the committee's decision: the clerk does not get it, the province secretary does.
    assert "recognition" not in actions_on(client, probationary)
    assert actions_on(login(client, world.a_secretary), probationary) == [
        "transfer", "recognition", "exemption", "leave", "correct"]
    # A viewer sees the member and is offered nothing.
    assert actions_on(login(client, world.a_viewer), official) == []


def test_member_in_transit_shows_the_letter_and_offers_no_second_transfer(world, client, clerk):
    member = world.a.members[1]
    letter = lifecycle.issue_transfer_letter(SYSTEM, member, to_org=world.a.cells[0], number="77-GGT",
                                             issued_on=ON)
    login(client, clerk)
    assert actions_on(client, member) == ["exemption", "leave", "correct"]
    page = client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    assert 'data-testid="member-transit"' in page
    assert "77-GGT" in page and world.a.cells[0].name in page
    assert reverse("lifecycle:letter", kwargs={"pk": letter.pk}) in page
    listing = client.get(reverse("members:list"), {"organization": world.a.grassroots.code}).content.decode()
    assert listing.count('data-testid="member-transit"') == 1 and "77-GGT" in listing
    # Received, the letter is closed: the transit goes and the member may be transferred again.
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=ON)
    assert 'data-testid="member-transit"' not in client.get(
        reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    assert "transfer" in actions_on(client, member)


def test_former_members_are_offered_readmission_but_the_deceased_nothing_but_correction(world, client):
    deceased, left = world.a.members[2], world.a.members[3]
    lifecycle.record_leaving(SYSTEM, deceased, kind="death", on=ON, decision="1-QĐ")
    lifecycle.record_leaving(SYSTEM, left, kind="voluntary", on=ON, decision="2-QĐ")
    login(client, world.a_secretary)
    assert actions_on(client, deceased) == ["correct"]
    assert actions_on(client, left) == ["readmission", "correct"]


def test_following_an_action_link_opens_its_form_for_that_member(world, client, clerk):
    member = world.a.members[0]
    login(client, clerk)
    page = client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    for code in ("transfer", "exemption", "leave", "correct"):
        url = re.search(rf'href="([^"]+)" data-action="{code}"', page).group(1).replace("&amp;", "&")
        response = client.get(url)
        assert response.status_code == 200, code
        assert member.full_name in response.content.decode(), code
    lifecycle.record_leaving(SYSTEM, member, kind="voluntary", on=ON, decision="3-QĐ")
    page = client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    url = re.search(r'href="([^"]+)" data-action="readmission"', page).group(1).replace("&amp;", "&")
    assert url == f"{reverse('lifecycle:admission_create')}?member={member.pk}"
    response = client.get(url)
    assert response.status_code == 200 and member.full_name in response.content.decode()


def test_transit_and_actions_cost_the_same_queries_for_any_number_of_members(world, client, clerk):
    login(client, clerk)
    url = reverse("members:list")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"organization": world.a.grassroots.code}).status_code == 200
        return len(ctx.captured_queries)

    lifecycle.issue_transfer_letter(SYSTEM, world.a.members[0], to_org=world.a.cells[1], number="1", issued_on=ON)
    before = queries()
    for i in range(5):
        extra = factories.member(world.a.cells[0], f"Vũ Văn Số {i}")
        lifecycle.issue_transfer_letter(SYSTEM, extra, to_org=world.a.cells[1], number=f"L{i}", issued_on=ON)
    assert queries() == before
    member_page = reverse("members:detail", kwargs={"pk": world.a.members[0].pk})
    with CaptureQueriesContext(connection) as one:
        client.get(member_page)
    with CaptureQueriesContext(connection) as again:
        client.get(member_page)
    assert len(again.captured_queries) == len(one.captured_queries)


# --- 3. Search --------------------------------------------------------------------------------------------


@pytest.fixture
def names(world):
    cell = world.a.cells[0]
    made = {name: factories.member(cell, name) for name in (
        "Nguyễn Văn An", "Trần Văn Bình", "Lê Thị An", "Hoàng Văn Thanh", "Nguyễn Thị Lan")}
    made["card"] = register_member(SYSTEM, organization=cell, status="official", full_name="Đặng Quốc Thẻ",
                                   gender="M", birth_date=dt.date(1979, 1, 1), admission_date=dt.date(2001, 1, 1),
                                   official_date=dt.date(2002, 1, 1), party_card_no="87654321")
    return made


def found(qs) -> set[str]:
    return {m.full_name for m in qs}


def test_search_by_any_words_in_any_order_without_diacritics(world, names):
    qs = Member.objects.within_path(world.a.org.path)
    assert found(qs.search("van an")) == {"Nguyễn Văn An"}
    assert found(qs.search("an van")) == {"Nguyễn Văn An"}
    assert found(qs.search("Văn An")) == {"Nguyễn Văn An"}
    assert found(qs.search("an")) == {"Nguyễn Văn An", "Lê Thị An", "Lê Minh An", "Phạm Đức Anh"}  # word starts
    assert "Hoàng Văn Thanh" not in found(qs.search("an"))  # "an" inside "Thanh" is not a word of the name
    assert found(qs.search("thi lan nguyen")) == {"Nguyễn Thị Lan"}
    assert found(qs.search("zzz an")) == set()


def test_search_by_part_of_a_citizen_id_or_card_number(world, names):
    qs = Member.objects.within_path(world.a.org.path)
    member = names["Trần Văn Bình"]
    assert found(qs.search(member.citizen_id[-7:])) == {"Trần Văn Bình"}  # the serial part is unique here
    assert found(qs.search(member.citizen_id)) == {"Trần Văn Bình"}
    assert found(qs.search("6543")) == {"Đặng Quốc Thẻ"}
    assert found(qs.search("65")) == set()  # too short to mean one person


def test_search_never_finds_another_provinces_member(world, client, names):
    other = factories.member(world.b.cells[0], "Nguyễn Văn An")
    login(client, world.a_secretary)
    page = client.get(reverse("members:list"), {"q": "nguyen van an"}).content.decode()
    assert reverse("members:detail", kwargs={"pk": names["Nguyễn Văn An"].pk}) in page
    assert reverse("members:detail", kwargs={"pk": other.pk}) not in page
    page = client.get(reverse("members:list"), {"q": other.citizen_id[3:]}).content.decode()
    assert reverse("members:detail", kwargs={"pk": other.pk}) not in page


def test_search_sets_former_members_apart(world, client, names):
    lifecycle.record_leaving(SYSTEM, names["Lê Thị An"], kind="voluntary", on=ON, decision="4-QĐ")
    login(client, world.a_secretary)
    page = client.get(reverse("members:list"), {"q": "an"}).content.decode()
    assert "Lê Thị An" not in page and "Nguyễn Văn An" in page
    assert 'data-testid="former-matches"' in page
    former = client.get(reverse("members:list"), {"q": "an", "standing": "former"}).content.decode()
    assert "Lê Thị An" in former and "Nguyễn Văn An" not in former
    everyone = client.get(reverse("members:list"), {"q": "an", "standing": "all"}).content.decode()
    assert "Lê Thị An" in everyone and "Nguyễn Văn An" in everyone


def test_organizations_by_the_words_after_chi_bo(world, client):
    cell = establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C7",
                                  name="Chi bộ Đội sản xuất số 3", org_type="cell", effective_on=dt.date(2020, 1, 1))
    login(client, world.a_secretary)
    page = client.get(reverse("orgs:tree"), {"q": "doi san xuat"}).content.decode()
    assert "Chi bộ Đội sản xuất số 3" in page
    assert reverse("orgs:detail", kwargs={"pk": cell.pk}) in page


def test_typo_is_tolerated_on_postgresql_only(world, client, names):
    """PostgreSQL: pg_trgm's word similarity, when nothing matches exactly. SQLite: no typo tolerance."""
    qs = Member.objects.within_path(world.a.org.path)
    if connection.vendor != "postgresql":
        assert found(qs.search("ngyen van an")) == set()
        return
    assert "Nguyễn Văn An" in found(qs.search("ngyen van an"))
    login(client, world.a_secretary)
    page = client.get(reverse("members:list"), {"q": "ngyen van an"}).content.decode()
    assert 'data-testid="search-fuzzy"' in page and "Nguyễn Văn An" in page


def test_search_page_costs_the_same_queries_for_more_matches(world, client, names):
    login(client, world.a_secretary)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("members:list"), {"q": "van"})
        return len(ctx.captured_queries)

    before = queries()
    for i in range(6):
        factories.member(world.a.cells[1], f"Phan Văn Thêm {i}")
    assert queries() == before


# --- 4. Counts ------------------------------------------------------------------------------------------


def row_count(html: str) -> tuple[int, bool] | None:
    match = re.search(r'data-testid="row-count" data-count="(\d+)"( data-capped="true")?', html)
    return (int(match.group(1)), bool(match.group(2))) if match else None


def test_list_count_exact_from_the_page_from_counters_and_capped(world, client, settings, monkeypatch, names):
    login(client, world.a_secretary)
    url = reverse("members:list")
    assert row_count(client.get(url, {"q": "van an"}).content.decode()) == (1, False)
    settings.LIST_PAGE_SIZE = 2
    org = world.a.org
    org.refresh_from_db()
    html = client.get(url, {"organization": org.code, "standing": "active"}).content.decode()
    assert row_count(html) == (org.subtree_official + org.subtree_probationary, False)
    active_in_a = Member.objects.within_path(org.path).active().count()
    assert row_count(html)[0] == active_in_a
    # A filter the counters cannot answer: counted, exactly up to the cap ...
    html = client.get(url, {"organization": org.code, "gender": "M"}).content.decode()
    assert row_count(html) == (Member.objects.within_path(org.path).filter(gender="M").count(), False)
    # ... and beyond it "more than".
    monkeypatch.setattr(ObjectListView, "count_cap", 3)
    html = client.get(url, {"organization": org.code, "gender": "M"}).content.decode()
    assert row_count(html) == (3, True)


def test_dashboard_count_links_to_a_list_with_the_same_number(world, client, settings):
    settings.LIST_PAGE_SIZE = 2
    login(client, world.a_secretary)
    dashboard = client.get(reverse("dashboard")).content.decode()
    match = re.search(r'<a href="([^"]+)" data-testid="stat-total-link">([\d.,\s]+)</a>', dashboard)
    number = int(re.sub(r"\D", "", match.group(2)))
    listing = client.get(match.group(1).replace("&amp;", "&")).content.decode()
    assert row_count(listing) == (number, False)
    assert number == Member.objects.within_path(world.a.org.path).active().count()


def test_search_pages_show_names_beginning_with_the_query_first_then_the_others(world):
    """Keyset pages over the two parts of a search (core.pagination tiers): every match once, both directions."""
    from core.pagination import keyset_page

    cell = world.a.cells[0]
    for name in ("Văn Thị Hà", "Văn Công Sơn", "Lê Văn An", "Bùi Văn Tư", "Đinh Thị Vân"):
        factories.member(cell, name)
    qs = Member.objects.within_path(world.a.org.path).search("van")
    expected = ["van cong son", "van thi ha", "bui van tu", "dinh thi van", "le van an", "nguyen van duc"]
    seen, cursor, pages = [], None, []
    while True:
        page = keyset_page(qs, ["name_key", "id"], cursor, 2)
        seen += [m.name_key for m in page.items]
        pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert seen == expected
    back, cursor = [], pages[-1].previous_cursor
    while cursor:
        page = keyset_page(qs, ["name_key", "id"], cursor, 2)
        back = [m.name_key for m in page.items] + back
        cursor = page.previous_cursor
    assert back == expected[: len(expected) - len(pages[-1].items)]


# --- Internal ids a user sees (issue 18: codes in links, no id column, no id box) -------------------------------


def test_links_name_organizations_by_code_and_old_bookmarks_still_work(world, client):
    login(client, world.a_secretary)
    org, cell = world.a.org, world.a.cells[0]
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert f"?organization={org.code}" in dashboard and f"?organization={org.pk}&" not in dashboard
    panel = client.get(reverse("orgs:detail", kwargs={"pk": cell.pk})).content.decode()
    assert f"{reverse('members:list')}?organization={cell.code}" in panel
    url = reverse("members:list")
    by_code = client.get(url, {"organization": cell.code, "status": "official"})
    old = client.get(url, {"organization": str(cell.pk), "status": "official"})  # a bookmark of the old form
    assert old.status_code == 302 and f"organization={cell.code}" in old["Location"] and "status=official" in old[
        "Location"]
    by_id = client.get(old["Location"])
    wanted = set(Member.objects.filter(organization=cell).values_list("pk", flat=True))
    assert {m.pk for m in by_code.context["members"]} == wanted == {m.pk for m in by_id.context["members"]}
    for response in (by_code, by_id):
        html = response.content.decode()
        assert f'name="organization" value="{cell.code}"' in html  # the form and the export carry the code
        assert f"organization={cell.code}" in html and f"organization={cell.pk}" not in html
    worklist = reverse("lifecycle:worklist")
    assert client.get(worklist, {"organization": org.code}).context["organization"] == org
    assert client.get(worklist, {"organization": str(org.pk)}, follow=True).context["organization"] == org
    assert client.get(reverse("audit:list"), {"organization": str(org.pk)})["Location"].endswith(
        f"?organization={org.code}")


@pytest.mark.parametrize("value", ["T45", "T45.G1.C1", "zzz", "0", "-1", "1" * 40, "9" * 30, "T22\x00", "' OR 1=1"])
def test_forged_organization_values_find_nothing_and_never_fail(world, client, value):
    login(client, world.a_secretary)
    if value.startswith("T45"):  # the other province's code, and its id
        for other in (value, str(world.b.org.pk)):
            response = client.get(reverse("members:list"), {"organization": other})
            assert response.status_code == 200 and list(response.context["members"]) == []
    for name in ("members:list", "audit:list", "lifecycle:worklist"):
        response = client.get(reverse(name), {"organization": value})
        assert response.status_code == 200, (name, value)
    response = client.get(reverse("members:export", kwargs={"fmt": "csv"}), {"organization": value})
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
        assert len(rows) == 1  # the header alone


def test_member_export_has_no_internal_id_column(world, client):
    login(client, world.a_secretary)
    response = client.get(reverse("members:export", kwargs={"fmt": "csv"}))
    rows = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    ids = {str(pk) for pk in Member.objects.values_list("pk", flat=True)}
    assert not any(cell in ids for row in rows[1:] for cell in row.split(","))
    assert rows[0].split(",")[0] == "Full name"


def test_audit_page_has_no_object_id_box_and_the_objects_pages_link_to_their_trail(world, client):
    login(client, world.a_secretary)
    member, org = world.a.members[0], world.a.grassroots
    page = client.get(reverse("audit:list")).content.decode()
    assert 'name="object_id"' not in page
    member_page = client.get(reverse("members:detail", kwargs={"pk": member.pk})).content.decode()
    link = re.search(r'href="(/audit/\?[^"]+)"', member_page).group(1).replace("&amp;", "&")
    trail = client.get(link)
    assert trail.status_code == 200 and trail.context["records"]
    assert {r.object_id for r in trail.context["records"]} == {str(member.pk)}
    html = trail.content.decode()
    assert member.full_name in html and f'name="object_id" value="{member.pk}"' in html  # kept, not typed
    assert 'type="text" name="object_id"' not in html
    org_page = client.get(reverse("orgs:detail", kwargs={"pk": org.pk})).content.decode()
    org_link = re.search(r'href="(/audit/\?[^"]*organization=[^"]+)"', org_page).group(1).replace("&amp;", "&")
    assert f"organization={org.code}" in org_link
    assert client.get(org_link).status_code == 200
