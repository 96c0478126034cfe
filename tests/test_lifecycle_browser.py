"""The member lifecycle in a real browser: an admission end to end, and a transfer between provinces."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from lifecycle.models import AdmissionCase, TransferLetter
from members.models import Member
from tests import factories

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _day(n: int) -> str:
    return (timezone.localdate() - dt.timedelta(days=n)).isoformat()


def login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", factories.PASSWORD)
    page.click("form.stack button[type=submit]")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_admission_end_to_end(world, page, live_server):
    login(page, live_server, "a_secretary")
    page.goto(f"{live_server.url}/lifecycle/admissions/new/")
    birth = dt.date(1998, 4, 5)
    page.fill("input[name=cell]", world.a.cells[0].code)  # the picker also takes a code typed in full
    page.press("input[name=cell]", "Escape")
    page.fill("input[name=applied_on]", _day(400))
    page.fill("input[name=full_name]", "Phan Thị Hồng")
    page.select_option("select[name=gender]", "F")
    page.fill("input[name=birth_date]", birth.isoformat())
    page.fill("input[name=occupation]", "Sinh viên")
    page.fill("input[name=citizen_id]", factories.citizen_id(birth, "F"))
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("[data-testid=case-state]")
    for step, number, ago in (("cell_resolution", "01-NQ/CB", 395), ("committee_decision", "12-QĐ/ĐU", 390)):
        page.fill(f"input[name={step}-number]", number)
        page.fill(f"input[name={step}-on]", _day(ago))
        page.click("[data-testid=step-submit]")
        page.wait_for_load_state()
    page.fill("input[name=ceremony-on]", _day(385))
    page.click("[data-testid=step-submit]")
    page.wait_for_load_state()
    case = AdmissionCase.objects.get(full_name="Phan Thị Hồng")
    assert case.state == "probation" and case.member_id
    # The worklist shows the member due; the end-of-probation form recognizes her.
    page.goto(f"{live_server.url}/lifecycle/worklist/")
    assert page.get_by_text("Phan Thị Hồng").count() >= 1
    page.goto(f"{live_server.url}/lifecycle/members/{case.member_id}/recognition/")
    page.check("input[name=outcome][value=recognize]")
    page.fill("input[name=vote_no]", "05-NQ/CB")
    page.fill("input[name=vote_date]", _day(10))
    page.fill("input[name=decision_no]", "99-QĐ/ĐU")
    page.fill("input[name=on]", _day(5))
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("[data-testid=member-status]")
    assert Member.objects.get(pk=case.member_id).status == "official"


def test_transfer_between_provinces(world, page, live_server):
    member = world.a.members[0]
    login(page, live_server, "a_secretary")
    page.goto(f"{live_server.url}/lifecycle/members/{member.pk}/transfer/")
    page.select_option("select[name=to_province]", str(world.b.org.pk))  # the receiving province's committee
    page.select_option("select[name=kind]", "official")
    page.fill("input[name=number]", "15-GGT/TU")
    page.fill("input[name=issued_on]", _day(2))
    page.click("form.form-grid button[type=submit]")
    page.wait_for_selector("[data-testid=letter-state]")
    letter = TransferLetter.objects.get(number="15-GGT/TU")
    assert letter.state == "issued"
    page.click("form.logout-form button")
    page.wait_for_url(lambda url: "/accounts/login/" in url or "logged" in url or url.endswith("/"))
    login(page, live_server, "zetauser")
    page.goto(f"{live_server.url}/lifecycle/transfers/?side=in")
    page.click(f"a[href='/lifecycle/transfers/{letter.pk}/']")
    page.fill("input[name=confirm-received_on]", _day(1))
    # The committee assigns the cell, chosen among the receiving side's cells by part of its name.
    page.locator("input[name=confirm-cell]").focus()
    page.keyboard.type("thon 2 zeta")
    page.wait_for_selector(f"[role=option]:has-text('{world.b.cells[1].code}')")
    page.keyboard.press("Enter")
    assert page.input_value("input[name=confirm-cell]") == world.b.cells[1].code
    page.click("[data-testid=op-confirm]")
    page.wait_for_load_state()
    letter.refresh_from_db()
    member.refresh_from_db()
    assert letter.state == "received" and member.organization_id == world.b.cells[1].pk
