"""Cadre planning and rotation: retirement dates walked over the dated versions, each warning of planning (and none
when its rule is met) naming its regulation, rule versions applied by the reference date, refusals of malformed
input, scope, pages in Vietnamese and Arabic, the API and the audited export."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from audit.models import AuditRecord
from cadres import planning
from cadres.models import PlanningEntry, Rotation
from core.actions import SYSTEM
from core.scope import OutOfScope
from core.services import add_rule_version
from tests import factories

pytestmark = pytest.mark.django_db

REF = dt.date(2030, 6, 1)
TERM = "2030-2035"


def plan(world, member, *, post="secretary", org=None, ref=REF, term=TERM, actor=SYSTEM, **extra):
    return planning.plan_member(actor, organization=org or world.a.org, term_label=term, reference_date=ref,
                                member=member, post=post, theory_level=extra.pop("theory_level", "advanced"),
                                qualification=extra.pop("qualification", "Thạc sĩ kinh tế"),
                                decision=extra.pop("decision", "12-QĐ/TU"),
                                decision_date=extra.pop("decision_date", dt.date(2025, 9, 1)),
                                valid_from=extra.pop("valid_from", dt.date(2025, 9, 1)), **extra)


def codes(warnings) -> list[str]:
    return [w.code for w in warnings]


# --- retirement -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("birth", "gender", "expected", "months"), [
    (dt.date(1960, 5, 1), "M", dt.date(2020, 5, 1), 720),     # before the 2019 Labour Code's steps: 60 years
    (dt.date(1961, 1, 15), "M", dt.date(2021, 4, 15), 723),   # 60 years 3 months, in force in 2021
    (dt.date(1965, 3, 10), "M", dt.date(2026, 9, 10), 738),   # 61y3m would fall in 2026, where 61y6m is in force
    (dt.date(1970, 1, 1), "M", dt.date(2032, 1, 1), 744),     # 62 years from 2028 on
    (dt.date(1970, 6, 20), "F", dt.date(2027, 10, 20), 688),  # 57 years 4 months, in force in 2027
    (dt.date(1980, 2, 1), "F", dt.date(2040, 2, 1), 720),     # 60 years from 2035 on
])
def test_retirement_date_by_the_version_in_force_when_reached(birth, gender, expected, months):
    retire, version = planning.retirement(birth, gender)
    assert retire == expected
    assert version.value == months


def test_retirement_follows_a_later_rule_version():
    """A version added from 2030 (men retire at 63) applies to those who reach the age from 2030 on only."""
    add_rule_version(SYSTEM, "RETIREMENT_AGE_MONTHS_MEN", value=756, valid_from=dt.date(2030, 1, 1),
                     regulation_kind="decree", regulation="7/2026/NĐ-CP", regulation_date=dt.date(2026, 6, 1))
    assert planning.retirement(dt.date(1966, 1, 1), "M")[0] == dt.date(2027, 10, 1)  # 61y9m in 2027: before it
    retire, version = planning.retirement(dt.date(1968, 1, 1), "M")  # 62 in 2030: now 63, reached in 2031
    assert retire == dt.date(2031, 1, 1) and version.regulation == "7/2026/NĐ-CP"


# --- warnings -------------------------------------------------------------------------------------------------


def test_no_warning_when_every_rule_is_met(world):
    young = factories.member(world.a.cells[0], "Đỗ Văn Trẻ", birth=dt.date(1985, 4, 4))
    entry = plan(world, young)
    assert planning.planning_warnings(entry) == []
    assert entry.term_label == TERM and entry.theory_level == "advanced"
    assert AuditRecord.objects.filter(action="cadres.plan_member", object_id=str(entry.pk)).exists()


def test_few_years_left_warns_and_names_the_regulation(world):
    older = factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))  # retires 2032-01-01
    entry = plan(world, older)  # planned all the same: a warning, not a refusal
    warnings = planning.planning_warnings(entry)
    assert codes(warnings) == ["few_years_left"]
    assert warnings[0].params["left_months"] == 19
    with translation.override("en"):
        text = warnings[0].message
    assert "1 year 7 months" in text and "2032" in text and "50-QĐ/TW" in text
    with translation.override("vi"):
        assert "50-QĐ/TW" in warnings[0].message


def test_past_retirement_at_the_reference_date(world):
    old = factories.member(world.a.cells[0], "Lý Văn Già", birth=dt.date(1962, 2, 2))
    warnings = planning.planning_warnings(plan(world, old))
    assert codes(warnings) == ["past_retirement"]
    assert warnings[0].params["age"] == 68
    assert "135/2020/NĐ-CP" in warnings[0].message


def test_women_retire_earlier(world):
    """The same birth date: a man has enough years left in 2030, a woman does not (57y8m in 2028)."""
    birth = dt.date(1971, 1, 1)
    man = factories.member(world.a.cells[0], "Vũ Văn Nam", gender="M", birth=birth)
    woman = factories.member(world.a.cells[0], "Vũ Thị Nữ", gender="F", birth=birth)
    assert codes(planning.planning_warnings(plan(world, man))) == ["few_years_left"]  # 62 in 2033: 2y7m
    assert codes(planning.planning_warnings(plan(world, woman, post="deputy_secretary"))) == ["past_retirement"]


def test_too_many_for_one_post(world):
    people = [factories.member(world.a.cells[i % 2], f"Người Thứ {i}", birth=dt.date(1985, 1, 1 + i))
              for i in range(4)]
    entries = [plan(world, p) for p in people]
    assert all(codes(planning.planning_warnings(e)) == ["too_many_for_post"] for e in entries)
    warning = planning.planning_warnings(entries[0])[0]
    assert warning.params == {"count": 4, "post": "secretary", "term": TERM, "max": 3}
    assert "50-QĐ/TW" in warning.message
    # Another term or another post is not counted with it.
    other = plan(world, people[0], post="secretary", term="2035-2040", ref=dt.date(2035, 6, 1))
    assert planning.planning_warnings(other) == []
    # Ending one entry brings the post back within the rule.
    planning.end_planning(SYSTEM, entries[3], on=dt.date(2026, 1, 1), reason="removed")
    assert planning.planning_warnings(PlanningEntry.objects.get(pk=entries[0].pk)) == []


def test_one_person_for_too_many_posts(world):
    person = factories.member(world.a.cells[0], "Đinh Văn Nhiều", birth=dt.date(1985, 1, 1))
    posts = ["secretary", "deputy_secretary", "standing_member"]
    for post in posts:
        entry = plan(world, person, post=post)
    assert planning.planning_warnings(entry) == []
    fourth = plan(world, person, post="committee_member", org=world.a.grassroots)
    warnings = planning.planning_warnings(fourth)
    assert codes(warnings) == ["too_many_posts"] and warnings[0].params["count"] == 4
    # The values of an entry about to be recorded are judged the same way (the new one counted once).
    values = {"organization": world.a.cells[0], "term_label": TERM, "reference_date": REF, "member": person,
              "post": "secretary"}
    assert codes(planning.planning_warnings(values)) == ["too_many_posts"]
    assert planning.planning_warnings(values)[0].params["count"] == 5


def test_rule_version_applies_by_reference_date(world):
    """PLANNING_MIN_YEARS_LEFT raised to 10 from 2031: the 2030 reference date keeps 5 years."""
    add_rule_version(SYSTEM, "PLANNING_MIN_YEARS_LEFT", value=10, valid_from=dt.date(2031, 1, 1),
                     regulation_kind="regulation", regulation="99-QĐ/TW", regulation_date=dt.date(2026, 6, 1))
    person = factories.member(world.a.cells[0], "Mai Văn Giữa", birth=dt.date(1975, 1, 1))  # retires 2037-01-01
    early = plan(world, person, ref=dt.date(2030, 6, 1))
    assert planning.planning_warnings(early) == []
    later = plan(world, person, post="deputy_secretary", ref=dt.date(2031, 6, 1))
    warnings = planning.planning_warnings(later)
    assert codes(warnings) == ["few_years_left"] and warnings[0].params["min_years"] == 10
    assert "99-QĐ/TW" in warnings[0].message


def test_planning_rows_count_in_constant_queries(world, django_assert_max_num_queries):
    people = [factories.member(world.a.cells[0], f"Cán Bộ {i}", birth=dt.date(1970 + i, 1, 1)) for i in range(6)]
    for i, p in enumerate(people):
        plan(world, p, post=["secretary", "deputy_secretary"][i % 2])
    entries = list(PlanningEntry.objects.select_related("member", "organization"))
    with django_assert_max_num_queries(2):
        rows = planning.planning_rows(entries)
    assert [codes(r.warnings) for r in rows] == [codes(planning.planning_warnings(r.entry)) for r in rows]


# --- refusals -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "kwargs"), [
    ("term_label", {"term": "2030-2036"}),
    ("term_label", {"term": "2030"}),
    ("term_label", {"term": "abcd-efgh"}),
    ("reference_date", {"ref": dt.date(2050, 1, 1)}),
    ("valid_from", {"valid_from": dt.date(2199, 1, 1)}),
    ("post", {"post": "emperor"}),
    ("theory_level", {"theory_level": "genius"}),
])
def test_malformed_planning_is_refused(world, field, kwargs):
    person = factories.member(world.a.cells[0], "Sai Văn Lệch", birth=dt.date(1985, 1, 1))
    with pytest.raises(ValidationError) as caught:
        plan(world, person, **kwargs)
    assert field in caught.value.message_dict
    assert not PlanningEntry.objects.exists()


def test_term_refusal_names_the_term_rule(world):
    person = factories.member(world.a.cells[0], "Sai Văn Kỳ", birth=dt.date(1985, 1, 1))
    with pytest.raises(ValidationError) as caught:
        plan(world, person, term="2030-2036")
    assert "2030-2035" in caught.value.message_dict["term_label"][0]


def test_member_outside_the_subtree_and_duplicates_refused(world):
    # A member of cell 2 planned for cell 1's committee: outside its subtree.
    with pytest.raises(ValidationError) as caught:
        plan(world, world.a.members[1], org=world.a.cells[0])
    assert "member" in caught.value.message_dict
    plan(world, world.a.members[0])
    with pytest.raises(ValidationError):
        plan(world, world.a.members[0])  # the same post of the same committee and term twice
    with pytest.raises(OutOfScope):
        plan(world, world.b.members[0], org=world.b.org, actor=world.a_secretary)


def test_end_planning_checks(world):
    entry = plan(world, world.a.members[0])
    with pytest.raises(ValidationError):
        planning.end_planning(SYSTEM, entry, on=dt.date(2025, 1, 1), reason="removed")  # before the start
    with pytest.raises(ValidationError):
        planning.end_planning(SYSTEM, entry, on=dt.date(2026, 1, 1), reason="whim")
    ended = planning.end_planning(SYSTEM, entry, on=dt.date(2026, 1, 1), reason="appointed", decision="3-QĐ/TU")
    assert ended.valid_to == dt.date(2026, 1, 1) and ended.end_reason == "appointed"
    with pytest.raises(ValidationError):
        planning.end_planning(SYSTEM, entry, on=dt.date(2026, 2, 1), reason="removed")
    with pytest.raises(OutOfScope):
        planning.end_planning(world.b_secretary, entry, on=dt.date(2026, 2, 1), reason="removed")


def test_rotation_record_and_end(world):
    member = world.a.members[0]  # in cell 1
    with pytest.raises(ValidationError) as caught:
        planning.record_rotation(SYSTEM, member=member, from_org=world.a.cells[0], to_org=world.a.cells[0],
                                 valid_from=dt.date(2025, 1, 1), decision="")
    assert {"to_org", "decision"} <= set(caught.value.message_dict)
    rotation = planning.record_rotation(world.a_secretary, member=member, from_org=world.a.cells[0],
                                        to_org=world.a.cells[1], position="Bí thư chi bộ",
                                        valid_from=dt.date(2025, 1, 1), planned_end=dt.date(2027, 1, 1),
                                        decision="5-QĐ/ĐU", decision_date=dt.date(2024, 12, 20))
    with pytest.raises(ValidationError):  # already on a rotation
        planning.record_rotation(SYSTEM, member=member, from_org=world.a.cells[0], to_org=world.a.grassroots,
                                 valid_from=dt.date(2025, 6, 1), decision="6-QĐ/ĐU")
    with pytest.raises(OutOfScope):  # to another province: the Centre's decision
        planning.record_rotation(world.a_secretary, member=world.a.members[2], from_org=world.a.cells[0],
                                 to_org=world.b.org, valid_from=dt.date(2025, 1, 1), decision="7-QĐ/TU")
    with pytest.raises(ValidationError):
        planning.end_rotation(SYSTEM, rotation, on=dt.date(2024, 1, 1))
    ended = planning.end_rotation(world.a_secretary, rotation, on=dt.date(2026, 1, 1))
    assert ended.valid_to == dt.date(2026, 1, 1)
    assert AuditRecord.objects.filter(action="cadres.end_rotation").exists()


# --- pages ----------------------------------------------------------------------------------------------------


def _seed_b(world):
    entry = plan(world, world.b.members[0], org=world.b.org)
    rotation = planning.record_rotation(SYSTEM, member=world.b.members[0], from_org=world.b.cells[0],
                                        to_org=world.b.cells[1], valid_from=dt.date(2025, 1, 1), decision="9-QĐ/TU")
    return entry, rotation


def test_pages_scope_another_province_is_404(world, client):
    b_entry, b_rotation = _seed_b(world)
    client.force_login(world.a_secretary)
    for url in (f"/cadres/planning/{b_entry.pk}/", f"/cadres/planning/{b_entry.pk}/end/",
                f"/cadres/rotations/{b_rotation.pk}/end/"):
        assert client.get(url).status_code == 404, url
        if url.endswith("/end/"):
            assert client.post(url, {"on": "2026-01-01", "reason": "removed"}).status_code == 404, url
    page = client.get("/cadres/planning/").content.decode() + client.get("/cadres/rotations/").content.decode()
    assert "Zeta" not in page
    response = client.get(f"/cadres/planning/?organization={world.b.org.code}")
    assert response.status_code == 200 and "Zeta" not in response.content.decode()


def test_plan_through_the_form_with_warnings(world, client):
    client.force_login(world.a_secretary)
    older = factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))
    assert client.get("/cadres/planning/new/").status_code == 200
    response = client.post("/cadres/planning/new/", {
        "organization": world.a.org.code, "term_label": TERM, "reference_date": "2030-06-01", "post": "secretary",
        "member": f"m{older.pk}", "theory_level": "advanced", "qualification": "Cử nhân", "decision": "1-QĐ/TU",
        "decision_date": "2025-09-01", "valid_from": "2025-09-01"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = PlanningEntry.objects.get(member=older)
    page = client.get(response.url).content.decode()
    assert "50-QĐ/TW" in page  # the warning names the regulation
    listing = client.get(f"/cadres/planning/?organization={world.a.org.code}&term={TERM}").content.decode()
    assert "Hoàng Văn Lão" in listing and "50-QĐ/TW" in listing
    response = client.post(f"/cadres/planning/{entry.pk}/end/", {"on": "2026-01-01", "reason": "removed"})
    assert response.status_code == 302
    assert PlanningEntry.objects.get(pk=entry.pk).end_reason == "removed"


@pytest.mark.parametrize("data", [
    {},
    {"organization": "NOPE", "term_label": "x" * 50, "reference_date": "32/13/2030", "post": "emperor",
     "member": "m99999999999999999999", "valid_from": "9999-99-99"},
    {"organization": "T45", "term_label": "2030-2035", "reference_date": "2030-06-01", "post": "secretary",
     "member": "m1", "valid_from": "2025-01-01", "decision_date": "0001-01-01"},
    {"organization": "T22", "term_label": "2030-2036", "reference_date": "1800-01-01", "post": "secretary",
     "member": "\x00", "valid_from": "2025-01-01", "theory_level": "x"},
])
def test_bad_planning_input_is_a_form_error(world, client, data):
    client.force_login(world.a_secretary)
    response = client.post("/cadres/planning/new/", data)
    assert response.status_code == 400
    assert not PlanningEntry.objects.exists()


def test_bad_rotation_input_and_list_parameters(world, client):
    client.force_login(world.a_secretary)
    response = client.post("/cadres/rotations/new/", {"member": "m1", "from_org": "T45", "to_org": "T22",
                                                      "valid_from": "99/99/9999", "planned_end": "x"})
    assert response.status_code == 400 and not Rotation.objects.exists()
    for url in ("/cadres/planning/?organization=%00&term=2030&cursor=zzz&ended=maybe",
                "/cadres/planning/?term=9999-99999", "/cadres/rotations/?current=1&cursor=%ff",
                "/cadres/planning/export/xlsx/?organization=NOPE", "/cadres/planning/export/pdf/"):
        assert client.get(url).status_code in (200, 302, 403, 404), url


def test_rotation_form(world, client):
    client.force_login(world.a_secretary)
    member = world.a.members[0]
    response = client.post("/cadres/rotations/new/", {
        "member": f"m{member.pk}", "from_org": world.a.cells[0].code, "to_org": world.a.grassroots.code,
        "position": "Phó chủ tịch xã", "valid_from": "2025-03-01", "planned_end": "2027-03-01",
        "decision": "15-QĐ/ĐU", "decision_date": "2025-02-20"})
    assert response.status_code == 302, response.content.decode()[:2000]
    rotation = Rotation.objects.get(member=member)
    assert "Phó chủ tịch xã" in client.get("/cadres/rotations/").content.decode()
    assert client.post(f"/cadres/rotations/{rotation.pk}/end/", {"on": "2026-01-01"}).status_code == 302
    assert Rotation.objects.get(pk=rotation.pk).valid_to == dt.date(2026, 1, 1)


@pytest.mark.parametrize("language", ["vi", "ar"])
def test_pages_render_in_vietnamese_and_arabic(world, client, language):
    older = factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))
    entry = plan(world, older)
    rotation = planning.record_rotation(SYSTEM, member=older, from_org=world.a.cells[0], to_org=world.a.cells[1],
                                        valid_from=dt.date(2025, 1, 1), decision="5-QĐ/ĐU")
    client.force_login(world.a_secretary)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for url in ("/cadres/planning/", f"/cadres/planning/{entry.pk}/", "/cadres/planning/new/",
                f"/cadres/planning/{entry.pk}/end/", "/cadres/rotations/", "/cadres/rotations/new/",
                f"/cadres/rotations/{rotation.pk}/end/", f"/members/{older.pk}/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert f'lang="{language}"' in page
        assert "few_years_left" not in page and "2030-06-01" not in page
    page = client.get(f"/members/{older.pk}/").content.decode()
    assert "<bdi>2030-2035</bdi>" in page and "50-QĐ/TW" in page


# --- API and export -------------------------------------------------------------------------------------------


def test_api_lists_warnings_and_hides_other_provinces(world):
    b_entry, b_rotation = _seed_b(world)
    older = factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))
    entry = plan(world, older)
    api = APIClient()
    api.force_authenticate(world.a_secretary)
    data = api.get("/api/cadres/planning/").json()["results"]
    assert [row["id"] for row in data] == [entry.pk]
    assert data[0]["warnings"][0]["code"] == "few_years_left" and "50-QĐ/TW" in data[0]["warnings"][0]["regulation"]
    assert data[0]["retirement_date"] == "2032-01-01" and data[0]["months_left"] == 19
    assert api.get(f"/api/cadres/planning/{b_entry.pk}/").status_code == 404
    assert api.get(f"/api/cadres/rotations/{b_rotation.pk}/").status_code == 404
    assert api.get(f"/api/cadres/planning/?organization={world.b.org.pk}").json()["results"] == []
    assert api.get("/api/cadres/planning/?organization=abc").status_code == 400
    assert api.get("/api/cadres/rotations/").json()["results"] == []


def test_export_is_audited(world, client):
    older = factories.member(world.a.cells[0], "Hoàng Văn Lão", birth=dt.date(1970, 1, 1))
    plan(world, older)
    _seed_b(world)
    client.force_login(world.a_secretary)
    response = client.get(f"/cadres/planning/export/xlsx/?organization={world.a.org.code}")
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        sheet = book.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in book.namelist() else ""
        sheet += "".join(book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/"))
    assert "Hoàng Văn Lão" in sheet and "Zeta" not in sheet
    assert AuditRecord.objects.filter(event="export", actor=world.a_secretary).exists()
    client.force_login(world.a_viewer)  # may see compositions, may not export members
    assert client.get("/cadres/planning/export/xlsx/").status_code == 403


def test_list_and_member_page_queries_do_not_grow_with_rows(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world.a_secretary)
    first = factories.member(world.a.cells[0], "Cán Bộ Đầu", birth=dt.date(1970, 1, 1))
    plan(world, first)
    planning.record_rotation(SYSTEM, member=first, from_org=world.a.cells[0], to_org=world.a.cells[1],
                             valid_from=dt.date(2025, 1, 1), decision="5-QĐ/ĐU")

    def counted(url):
        client.get(url)  # warm the per-process caches (rules, grants)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = ("/cadres/planning/", "/cadres/rotations/", f"/members/{first.pk}/")
    before = [counted(u) for u in urls]
    for i in range(5):
        person = factories.member(world.a.cells[i % 2], f"Cán Bộ {i}", birth=dt.date(1975 + i, 1, 1))
        plan(world, person, post=["secretary", "deputy_secretary"][i % 2])
        if i == 0:
            plan(world, first, post="committee_member", org=world.a.cells[0])
        planning.record_rotation(SYSTEM, member=person, from_org=world.a.cells[i % 2], to_org=world.a.grassroots,
                                 valid_from=dt.date(2025, 1, 1), decision=f"{i}-QĐ/ĐU")
    assert [counted(u) for u in urls] == before


def test_plan_form_prefilled_from_the_list(world, client):
    client.force_login(world.a_secretary)
    page = client.get(f"/cadres/planning/new/?organization={world.a.org.code}&term={TERM}").content.decode()
    assert world.a.org.name in page and TERM in page
    page = client.get(f"/cadres/planning/new/?organization={world.b.org.code}").content.decode()
    assert "Zeta" not in page


def test_leaving_or_death_ends_planning_and_rotation_moving_keeps_the_committee_above(world):
    from lifecycle.services import confirm_receipt, issue_transfer_letter, record_leaving

    clerk = factories.user_with_role("cell_clerk", "office_clerk", world.a.cells[0])  # no right on the province
    dead, mover = world.a.members[0], world.a.members[2]  # both in cell 1
    entry = plan(world, dead)
    rotation = planning.record_rotation(SYSTEM, member=dead, from_org=world.a.cells[0], to_org=world.a.cells[1],
                                        valid_from=dt.date(2025, 1, 1), decision="5-QĐ/ĐU")
    record_leaving(clerk, dead, kind="death", on=dt.date(2026, 3, 1), decision="1-QĐ")
    entry.refresh_from_db()
    rotation.refresh_from_db()
    assert (entry.valid_to, entry.end_reason) == (dt.date(2026, 3, 1), "removed")
    assert rotation.valid_to == dt.date(2026, 3, 1)
    assert AuditRecord.objects.filter(object_id=str(entry.pk), action="lifecycle.record_leaving").exists()
    # Moving to cell 2: the province's planning stays, cell 1's ends.
    kept = plan(world, mover)
    gone = plan(world, mover, org=world.a.cells[0], post="deputy_secretary")
    letter = issue_transfer_letter(SYSTEM, mover, to_org=world.a.cells[1], number="3-GGT",
                                   issued_on=dt.date(2026, 3, 1))
    confirm_receipt(SYSTEM, letter, received_on=dt.date(2026, 3, 5))
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.valid_to is None and gone.valid_to == dt.date(2026, 3, 5)


def test_member_page_offers_planning_and_rotation_prefilled(world, client):
    member = world.a.members[0]
    client.force_login(world.a_secretary)
    page = client.get(f"/members/{member.pk}/").content.decode()
    assert f"/cadres/planning/new/?member={member.pk}" in page and f"/cadres/rotations/new/?member={member.pk}" in page
    for url in (f"/cadres/planning/new/?member={member.pk}", f"/cadres/rotations/new/?member={member.pk}"):
        assert member.full_name in client.get(url).content.decode()
    b_member = world.b.members[0]
    for url in (f"/cadres/planning/new/?member={b_member.pk}", f"/cadres/rotations/new/?member={b_member.pk}"):
        assert "Zeta" not in client.get(url).content.decode()
    client.force_login(world.a_viewer)  # may see, may not record
    assert "/cadres/planning/new/" not in client.get(f"/members/{world.a.members[0].pk}/").content.decode()


def test_planning_list_sorts_by_rank_across_keyset_pages_in_constant_queries(world, client, monkeypatch):
    """Posts by rank (secretary first, standing member before committee member), not by code; every keyset page
    carries on where the last ended, with the same number of queries; the API reads the same order."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cadres.planning_views import PlanningListView

    by_code = sorted(planning.POST_RANK, key=lambda p: p.value)
    assert by_code != list(planning.POST_RANK)  # the test could fail if the list sorted by code
    for i, post in enumerate(by_code):
        person = factories.member(world.a.cells[i % 2], f"Cán Bộ Hạng {i}", birth=dt.date(1975, 1, 1 + i))
        plan(world, person, post=post.value)
    monkeypatch.setattr(PlanningListView, "page_size", 3)
    client.force_login(world.a_secretary)
    url = f"/cadres/planning/?organization={world.a.org.code}"
    client.get(url)  # warm the per-process caches
    seen, counts, cursor = [], [], None
    for _page in range(5):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url + (f"&cursor={cursor}" if cursor else ""))
        assert response.status_code == 200
        counts.append(len(queries))
        seen += [e.post for e in response.context["entries"]]
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
    assert seen == [p.value for p in planning.POST_RANK]
    assert len(set(counts[:-1])) == 1  # full pages: the same number of queries
    import base64

    bad = base64.urlsafe_b64encode(b'{"v":[1,"2030-2035","x",1],"b":false}').decode().rstrip("=")
    assert client.get(f"{url}&cursor={bad}").status_code == 200  # a rank that is not a number: a message, no 500

    api = APIClient()
    api.force_authenticate(world.a_secretary)
    rows = api.get("/api/cadres/planning/", {"organization": world.a.org.pk, "page_size": 4}).json()
    following = api.get(rows["next"]).json()
    assert [r["post"] for r in rows["results"] + following["results"]] == [p.value for p in planning.POST_RANK]
