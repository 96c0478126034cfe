"""A form reports every error at once: a wrong cell no longer hides the applicant's age and citizen ID errors."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.services import Refusals
from lifecycle.models import AdmissionCase
from members.models import Member

pytestmark = pytest.mark.django_db

TOO_YOUNG = (timezone.localdate() - dt.timedelta(days=365 * 12)).isoformat()  # 12 years old
BAD_CITIZEN_ID = "12345"


@pytest.fixture
def client_a(client, world):
    client.force_login(world.a_secretary)
    return client


def _application(cell) -> dict:
    return {"cell": cell, "applied_on": timezone.localdate().isoformat(), "full_name": "Hoàng Văn Tư", "gender": "M",
            "birth_date": TOO_YOUNG, "citizen_id": BAD_CITIZEN_ID}


def _registration(organization) -> dict:
    return {"organization": organization, "status": "probationary", "full_name": "Hoàng Văn Tư", "gender": "M",
            "birth_date": TOO_YOUNG, "admission_date": timezone.localdate().isoformat(),
            "citizen_id": BAD_CITIZEN_ID}


def _errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200
    return {name: list(errors) for name, errors in response.context["form"].errors.items()}


@pytest.mark.parametrize("cell", ["unknown", "other_province", "committee"])
def test_application_shows_the_cell_age_and_citizen_id_errors_at_once(client_a, world, cell):
    number = {"unknown": "NO-SUCH-CELL", "other_province": world.b.cells[0].code,
              "committee": world.a.grassroots.code}[cell]
    errors = _errors(client_a.post(reverse("lifecycle:admission_create"), _application(number)))
    assert set(errors) >= {"cell", "birth_date", "citizen_id"}, errors
    assert any("years old" in e for e in errors["birth_date"])
    assert not AdmissionCase.objects.exists()


def test_registration_shows_the_organization_age_and_citizen_id_errors_at_once(client_a, world):
    for organization in ("NO-SUCH-CELL", world.b.cells[0].code, world.a.grassroots.code):
        before = Member.objects.count()
        errors = _errors(client_a.post(reverse("members:create"), _registration(organization)))
        assert set(errors) >= {"organization", "admission_date", "citizen_id"}, (organization, errors)
        assert Member.objects.count() == before


def test_a_malformed_field_does_not_hide_the_others(client_a, world):
    data = _application(world.a.cells[0].code) | {"applied_on": "not a date"}
    errors = _errors(client_a.post(reverse("lifecycle:admission_create"), data))
    assert {"applied_on", "citizen_id"} <= set(errors)
    assert len(errors["applied_on"]) == 1  # the field's own message, not the domain's "required" on top


def test_the_page_shows_all_three_messages(client_a, world):
    html = client_a.post(reverse("lifecycle:admission_create"), _application(world.a.grassroots.code)).content.decode()
    assert "it cannot be chosen here" in html
    assert "years old" in html
    assert html.count('aria-invalid="true"') >= 3


def test_a_valid_application_still_goes_through(client_a, world):
    data = _application(world.a.cells[0].code) | {"birth_date": "1990-05-01", "citizen_id": ""}
    response = client_a.post(reverse("lifecycle:admission_create"), data)
    assert response.status_code == 302
    assert AdmissionCase.objects.filter(full_name="Hoàng Văn Tư").count() == 1


def test_refusals_collect_independent_checks():
    errors = Refusals()
    with errors.collect():
        raise ValidationError({"cell": "wrong cell"})
    with errors.collect():
        raise ValidationError("on top")
    errors.add("birth_date", "too young")
    with pytest.raises(ValidationError) as caught:
        errors.raise_if_any()
    assert caught.value.message_dict == {"cell": ["wrong cell"], "__all__": ["on top"], "birth_date": ["too young"]}
