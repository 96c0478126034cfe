"""The organization and member pickers (core/pickers.py): the field, the scoped suggestion endpoints, and the forms
that used to take internal ids (the bulk transfer's sending cell, refused to the clerk before)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.actions import SYSTEM
from core.pickers import NOT_FOUND, MemberChoiceField, OrganizationChoiceField, PickerFormMixin, organization_search
from lifecycle.forms import ApplicationForm, SendingCellForm
from orgs.models import Organization
from orgs.services import establish_organization
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk(world):
    """The office clerk of party cell 1 of province A: may change its members, not the organization."""
    return factories.user_with_role("a_clerk", "office_clerk", world.a.cells[0])


def _field(user, **kwargs) -> OrganizationChoiceField:
    field = OrganizationChoiceField(**kwargs)
    field.bind_user(user)
    return field


# --- the field ---------------------------------------------------------------------------------------------------
def test_the_field_resolves_a_code_or_a_name_without_diacritics(world):
    field = _field(world.a_secretary)
    cell = world.a.cells[0]
    assert field.clean(cell.code) == cell
    assert field.clean(f"  {cell.code.lower()} ") == cell
    assert field.clean("chi bo thon 1 quang ninh") == cell  # the exact name, typed without diacritics
    assert field.clean(cell.name) == cell


def test_out_of_scope_is_not_found_like_a_missing_code(world):
    field = _field(world.a_secretary)
    for value in (world.b.cells[0].code, world.b.cells[0].name, "NOPE"):
        with pytest.raises(forms.ValidationError) as exc:
            field.clean(value)
        assert exc.value.messages == [str(NOT_FOUND)]


@pytest.mark.parametrize("value", ["\x00", "x" * 10_000, "'; DROP TABLE orgs_organization; --", "%", "_", "12",
                                   "💥", "  ", ["a", "b"], {"a": 1}, 10**30])
def test_garbage_is_a_message_never_an_error(world, value):
    field = _field(world.a_secretary, required=False)
    try:
        assert field.clean(value) is None
    except forms.ValidationError:
        pass


def test_an_ambiguous_name_asks_for_the_code(world):
    establish_organization(SYSTEM, parent=world.a.grassroots, code="T22.G1.C7", name=world.a.cells[0].name,
                           org_type="cell", effective_on=world.a.cells[0].established_on)
    with pytest.raises(forms.ValidationError) as exc:
        _field(world.a_secretary).clean(world.a.cells[0].name)
    assert exc.value.code == "ambiguous"


def test_the_right_of_the_business_event_decides(world, clerk):
    """The clerk may change the members of their cell but not the organization: a member-work picker accepts it,
    an organization-work picker does not."""
    cell = world.a.cells[0]
    assert _field(clerk, scope_model="members.Member", action="change").clean(cell.code) == cell
    with pytest.raises(forms.ValidationError):
        _field(clerk, action="change").clean(cell.code)
    with pytest.raises(forms.ValidationError):  # the other cell of the same commune is not the clerk's
        _field(clerk, scope_model="members.Member", action="change").clean(world.a.cells[1].code)


def test_types_and_several_organizations(world):
    cells_only = _field(world.a_secretary, types=("cell",))
    with pytest.raises(forms.ValidationError):
        cells_only.clean(world.a.grassroots.code)
    several = _field(world.a_secretary, multiple=True)
    a, b = world.a.cells
    assert several.clean(f"{a.code}, {b.code}") == [a, b]
    assert several.clean([a.code, f"{b.code},{a.code}"]) == [a, b]
    with pytest.raises(forms.ValidationError) as exc:
        several.clean([a.code, world.b.cells[0].code])
    assert world.b.cells[0].code in exc.value.messages[0]  # what the user typed, told back; nothing more


def test_the_widget_shows_the_chosen_organization_and_keeps_what_was_typed(world):
    form = ApplicationForm({"cell": world.a.cells[0].code}, user=world.a_secretary)
    html = str(form["cell"])
    assert 'data-picker-url="/pick/organizations/"' in html and world.a.cells[0].name in html
    form = ApplicationForm({"cell": "chi bo khong co"}, user=world.a_secretary)
    assert not form.is_valid() and 'value="chi bo khong co"' in str(form["cell"])


def test_the_member_field(world):
    field = MemberChoiceField(action="view")
    field.bind_user(world.a_secretary)
    mine, theirs = world.a.members[0], world.b.members[0]
    assert field.clean([f"m{mine.pk}"]) == [mine]
    for value in ([f"m{theirs.pk}"], ["m99999999999"], ["m"], ["nonsense"], [theirs.citizen_id or "000000000000"]):
        with pytest.raises(forms.ValidationError):
            field.clean(value)


def test_the_member_token_stays_hidden_and_is_never_shown_to_be_typed(world):
    """A chosen member travels as ``m<id>`` in a hidden input of its chip (the user never types it); a token that
    does not resolve (forged, or a member moved out of scope) is refused and not put in the visible box."""
    class Pick(PickerFormMixin, forms.Form):
        members = MemberChoiceField(action="view", required=False)

    mine, theirs = world.a.members[0], world.b.members[0]
    form = Pick({"members": [f"m{mine.pk}", f"m{theirs.pk}", "123456"]}, user=world.a_secretary)
    assert not form.is_valid()
    html = str(form["members"])
    assert f'type="hidden" name="members" value="m{mine.pk}"' in html  # the chip of the member found
    visible = re.search(r'<input type="text"[^>]*>', html).group(0)
    assert f"m{theirs.pk}" not in html and "123456" in visible  # the number typed by hand comes back


def test_a_single_member_picker_shown_again_shows_a_number_a_user_could_type_not_the_token(world):
    """A form with one member picker that comes back with an error elsewhere keeps the chosen member as their party
    card number (or citizen ID), which the field resolves the same way; the internal token never shows."""
    class PickOne(PickerFormMixin, forms.Form):
        member = MemberChoiceField(action="view", multiple=False)
        note = forms.IntegerField()

    mine = next(m for m in world.a.members if m.party_card_no or m.citizen_id)
    form = PickOne({"member": f"m{mine.pk}", "note": "not a number"}, user=world.a_secretary)
    assert not form.is_valid() and "member" not in form.errors
    html = str(form["member"])
    visible = re.search(r'<input type="text"[^>]*>', html).group(0)
    assert f"m{mine.pk}" not in html
    typed = mine.party_card_no or mine.citizen_id
    assert f'value="{typed}"' in visible
    again = PickOne({"member": typed, "note": "1"}, user=world.a_secretary)
    assert again.is_valid() and again.cleaned_data["member"] in (mine, [mine])


# --- the endpoints -----------------------------------------------------------------------------------------------
def _pick(client, **params):
    response = client.get("/pick/organizations/", params)
    return response, response.json()["results"]


def test_the_endpoint_searches_without_diacritics_within_the_scope(world, client):
    client.force_login(world.a_secretary)
    response, rows = _pick(client, q="quang ninh")
    assert response.status_code == 200
    assert world.a.org.code in {r["code"] for r in rows}
    _, rows = _pick(client, q="thon 1")  # a later word of the name
    assert {r["code"] for r in rows} == {world.a.cells[0].code}
    assert rows[0]["name"] == world.a.cells[0].name and rows[0]["parent"] == world.a.grassroots.name
    assert "id" not in rows[0] and "pk" not in rows[0]
    for q in ("zeta", "chi bo thon", world.b.cells[0].code, "T4"):
        _, rows = _pick(client, q=q)
        assert not any(r["code"].startswith(world.b.org.code) for r in rows), q
        assert "Zeta" not in str(rows)


def test_the_endpoint_browses_the_tree(world, client, clerk):
    client.force_login(clerk)
    _, rows = _pick(client, scope="members.member", action="change")
    assert [r["code"] for r in rows] == [world.a.cells[0].code]  # the top of what the clerk may act on
    client.force_login(world.a_secretary)
    _, rows = _pick(client, scope="members.member", action="change", types="cell")
    assert [(r["code"], r["selectable"], r["expandable"]) for r in rows] == [(world.a.org.code, False, True)]
    _, rows = _pick(client, scope="members.member", action="change", types="cell", under=world.a.grassroots.code)
    assert {r["code"] for r in rows} == {c.code for c in world.a.cells} and all(r["selectable"] for r in rows)
    response, rows = _pick(client, under=world.b.org.code)
    assert response.status_code == 404 and rows == [] and "Zeta" not in response.content.decode()
    response, rows = _pick(client, within=world.b.org.code)
    assert response.status_code == 404 and rows == []


@pytest.mark.parametrize("params", [{"scope": "nope.Nope"}, {"scope": "x"}, {"action": "drop table"},
                                    {"q": "\x00"}, {"q": "%_%"}, {"under": "x" * 5000}, {"types": "," * 50}])
def test_the_endpoint_never_fails_on_bad_input(world, client, params):
    client.force_login(world.a_secretary)
    assert client.get("/pick/organizations/", params).status_code in (200, 400, 404)


def test_the_endpoint_asks_a_constant_number_of_queries(world, client):
    client.force_login(world.a_secretary)

    def count(**params) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/pick/organizations/", params).status_code == 200
        return len(queries)

    before = {k: count(**p) for k, p in {"q": {"q": "chi bo"}, "under": {"under": world.a.grassroots.code}}.items()}
    for i in range(3, 12):
        establish_organization(SYSTEM, parent=world.a.grassroots, code=f"T22.G1.C{i}", name=f"Chi bộ tổ {i}",
                               org_type="cell", effective_on=world.a.cells[0].established_on)
    after = {k: count(**p) for k, p in {"q": {"q": "chi bo"}, "under": {"under": world.a.grassroots.code}}.items()}
    assert after == before


def test_organization_search_finds_by_code_and_by_words(world):
    qs = Organization.objects.all()
    assert world.a.cells[0] in organization_search(qs, world.a.cells[0].code.lower())
    assert world.a.org in organization_search(qs, "Quang")
    assert organization_search(qs, "") == []


def test_the_member_endpoint(world, client):
    client.force_login(world.a_secretary)
    rows = client.get("/pick/members/", {"q": "nguyen van duc"}).json()["results"]
    assert [r["name"] for r in rows] == ["Nguyễn Văn Đức"] and rows[0]["value"].startswith("m")
    rows = client.get("/pick/members/", {"q": "zetamember"}).json()["results"]
    assert rows == []
    rows = client.get("/pick/members/", {"q": "nguyen", "under": world.a.cells[1].code}).json()["results"]
    assert rows == []  # Nguyễn Văn Đức is in cell 1, not cell 2
    assert client.get("/pick/members/", {"q": "x", "action": "no way"}).status_code == 400


def test_anonymous_gets_no_suggestions(world, client):
    for url in ("/pick/organizations/?q=chi", "/pick/members/?q=nguyen"):
        assert client.get(url).status_code == 302


# --- the forms that took ids -------------------------------------------------------------------------------------
def test_the_clerk_chooses_their_cell_for_a_bulk_transfer(world, client, clerk):
    """Issue #18: the page refused the clerk's own cell (it asked for the right to change the organization)."""
    cell = world.a.cells[0]
    for user in (clerk, world.a_secretary):
        client.force_login(user)
        response = client.get("/lifecycle/transfers/bulk/", {"organization": "chi bo thon 1 quang ninh"})
        body = response.content.decode()
        assert response.status_code == 200, user
        assert world.a.members[0].full_name in body and f'value="{cell.code}"' in body
    client.force_login(clerk)
    response = client.get("/lifecycle/transfers/bulk/", {"organization": "chi bo thon 2 quang ninh"})
    body = response.content.decode()
    assert response.status_code == 400 and 'value="chi bo thon 2 quang ninh"' in body  # what was typed stays
    assert str(NOT_FOUND) in body


def test_the_clerk_issues_letters_from_their_cell(world, client, clerk):
    from lifecycle.models import TransferLetter

    client.force_login(clerk)
    member = world.a.members[0]
    response = client.post("/lifecycle/transfers/bulk/", {
        "organization": world.a.cells[0].code, "members": [member.pk], "to_province": world.a.org.pk,
        "kind": "official", "number": "9-GGT", "issued_on": "2026-01-10"})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert TransferLetter.objects.filter(member=member, number="9-GGT").exists()


def test_a_sending_cell_of_another_province_is_not_found(world):
    form = SendingCellForm({"organization": world.b.cells[0].code}, user=world.a_secretary)
    assert not form.is_valid() and form.errors["organization"] == [str(NOT_FOUND)]


def test_forms_post_codes_of_another_province_and_learn_nothing(world, client):
    """Every page form that picks an organization, sent province B's codes by province A's secretary."""
    client.force_login(world.a_secretary)
    b = world.b
    posts = {
        "/lifecycle/admissions/new/": {"cell": b.cells[0].code, "applied_on": "2026-01-01", "full_name": "X",
                                       "gender": "M", "birth_date": "2000-01-01"},
        "/members/new/": {"organization": b.cells[0].code, "status": "official", "full_name": "X", "gender": "M",
                          "birth_date": "2000-01-01", "admission_date": "2020-01-01"},
        "/reorg/new/merge/": {"sources": [b.cells[0].code], "target": b.cells[1].code, "decision": "1",
                              "effective_on": "2026-01-01"},
        "/reorg/new/transfer/": {"organizations": b.cells[0].code, "to": world.a.grassroots.code, "decision": "1",
                                 "effective_on": "2026-01-01"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        body = response.content.decode()
        assert response.status_code in (200, 400, 404), url
        assert "Zetaprovince" not in body and str(NOT_FOUND) in body or "Not found among" in body, url
