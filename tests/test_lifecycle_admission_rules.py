"""Admission rules as written: official from the end of probation, the ceremony within a number of working days of
the committee decision (the rule of the decision's date), a plausible birth date, no expulsion of a probationary
member; each refusal names the rule, the dates and the regulation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import l10n
from core.actions import SYSTEM
from core.dates import add_months, add_working_days, working_days_between
from core.services import add_rule_version
from lifecycle import services
from members.choices import MemberStatus
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


def decided(user, cell, name: str, decided_on: dt.date, birth: dt.date = dt.date(1998, 4, 5)):
    case = services.submit_application(user, cell=cell, applied_on=decided_on - dt.timedelta(days=10),
                                       full_name=name, gender="M", birth_date=birth,
                                       citizen_id=factories.citizen_id(birth, "M"))
    services.record_cell_resolution(user, case, number="2-NQ/CB", on=decided_on - dt.timedelta(days=5))
    return services.record_committee_decision(user, case, number="8-QĐ/ĐU", on=decided_on)


def test_working_days_skip_weekends():
    friday = dt.date(2025, 1, 3)
    assert add_working_days(friday, 1) == dt.date(2025, 1, 6)  # Monday
    assert add_working_days(friday, 5) == dt.date(2025, 1, 10)
    assert working_days_between(friday, dt.date(2025, 1, 5)) == 0  # the weekend counts nothing
    assert working_days_between(friday, dt.date(2025, 1, 6)) == 1
    assert working_days_between(friday, dt.date(2025, 2, 14)) == 30


def test_official_from_the_end_of_probation_even_when_recognized_late(world):
    user, cell = world.a_secretary, world.a.cells[0]
    case = decided(user, cell, "Lâm Văn Trễ", days(500))
    case = services.hold_ceremony(user, case, on=days(490))
    end = add_months(days(490), 12)
    member = services.recognize_official(user, case.member, vote_no="4-NQ/CB", vote_date=days(20),
                                         decision_no="30-QĐ/ĐU", on=days(10))
    assert member.status == MemberStatus.OFFICIAL
    assert member.official_date == end and member.status_since == days(10)


def test_worklist_and_recognition_count_from_the_ceremony(world):
    """Decision 450 days ago, ceremony 20 days later: due 12 months after the ceremony, not after the decision."""
    user, cell = world.a_secretary, world.a.cells[0]
    case = decided(user, cell, "Mạc Văn Đợi", days(450))
    case = services.hold_ceremony(user, case, on=days(430))
    member = case.member
    end = add_months(days(430), 12)
    assert add_months(member.admission_date, 12) < end
    assert member not in set(services.recognition_worklist(user, on=add_months(member.admission_date, 12)))
    assert member not in set(services.recognition_worklist(user, on=end - dt.timedelta(days=1)))
    assert member in set(services.recognition_worklist(user, on=end))
    # The recognition counts from the same date: a vote the day before is refused, one on the day accepted.
    with pytest.raises(ValidationError) as err:
        services.recognize_official(user, member, vote_no="1", vote_date=end - dt.timedelta(days=1),
                                    decision_no="2", on=end)
    assert l10n.day(end) in " ".join(err.value.message_dict["vote_date"])
    services.recognize_official(user, member, vote_no="1", vote_date=end, decision_no="2", on=end)
    # A member registered without a case (imported) is still due by the admission date.
    imported = factories.member(cell, "Nhập Khẩu", admitted=days(400), official=None)
    assert imported in set(services.recognition_worklist(user))


def test_ceremony_within_30_working_days_of_the_decision(world):
    user, cell = world.a_secretary, world.a.cells[0]
    decision = days(100)
    late = decided(user, cell, "Muộn Văn Một", decision)
    with pytest.raises(ValidationError) as err:
        services.hold_ceremony(user, late, on=add_working_days(decision, 31))
    message = " ".join(err.value.message_dict["on"])
    assert "30 working days" in message and "294-QĐ/TW" in message
    assert l10n.day(decision) in message and l10n.day(add_working_days(decision, 30)) in message
    assert "public holidays" in message
    on_time = decided(user, world.a.cells[1], "Đúng Văn Hạn", decision, birth=dt.date(1997, 1, 2))
    case = services.hold_ceremony(user, on_time, on=add_working_days(decision, 30))
    assert case.member.status == MemberStatus.PROBATIONARY
    assert services.ceremony_deadline(decision) == add_working_days(decision, 30)


def test_ceremony_rule_of_the_decisions_date_applies(world):
    """10 working days from 200 days ago: a case decided before keeps 30, one decided after has 10."""
    add_rule_version(SYSTEM, "CEREMONY_WORKING_DAYS", value=10, valid_from=days(200), regulation_kind="regulation",
                     regulation="5-QĐ/TEST", regulation_date=days(210))
    user = world.a_secretary
    before = decided(user, world.a.cells[0], "Trước Văn Đổi", days(220))
    services.hold_ceremony(user, before, on=add_working_days(days(220), 25))  # held after the change: still 30
    after = decided(user, world.a.cells[1], "Sau Văn Đổi", days(150), birth=dt.date(1996, 3, 3))
    with pytest.raises(ValidationError) as err:
        services.hold_ceremony(user, after, on=add_working_days(days(150), 11))
    message = " ".join(err.value.message_dict["on"])
    assert "10 working days" in message and "5-QĐ/TEST" in message
    services.hold_ceremony(user, after, on=add_working_days(days(150), 10))


@pytest.mark.parametrize("birth", [dt.date(1899, 12, 31), TODAY + dt.timedelta(days=1)])
def test_implausible_birth_date_refused(world, birth):
    with pytest.raises(ValidationError) as err:
        services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=days(1),
                                    full_name="Sai Ngày Sinh", gender="M", birth_date=birth)
    assert "birth_date" in err.value.message_dict


def test_under_age_on_the_application_date_names_the_regulation(world):
    birth = add_months(days(1), -12 * 18) + dt.timedelta(days=1)  # 18 the day after the application
    with pytest.raises(ValidationError) as err:
        services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=days(1),
                                    full_name="Chưa Đủ Tuổi", gender="M", birth_date=birth)
    assert "294-QĐ/TW" in " ".join(err.value.message_dict["birth_date"])


def test_probationary_member_cannot_be_expelled(world):
    user, cell = world.a_secretary, world.a.cells[0]
    probationary = factories.member(cell, "Dự Bị Văn", admitted=days(100), official=None)
    with pytest.raises(ValidationError) as err:
        services.record_leaving(user, probationary, kind="expulsion", on=days(1), decision="9-QĐ/ĐU")
    message = " ".join(err.value.message_dict["kind"])
    assert "296-QĐ/TW" in message and "reprimand, warning" in message and l10n.day(days(1)) in message
    assert type(probationary).objects.get(pk=probationary.pk).status == MemberStatus.PROBATIONARY
    # Removal from the list stays open to them; an official member can be expelled.
    services.record_leaving(user, probationary, kind="removal", on=days(1), decision="10-QĐ/ĐU")
    official = factories.member(cell, "Chính Thức Văn")
    member = services.record_leaving(user, official, kind="expulsion", on=days(1), decision="11-QĐ/ĐU")
    assert member.status == MemberStatus.EXPELLED


def test_worklist_page_counts_overdue_from_the_ceremony(world, client):
    user, cell = world.a_secretary, world.a.cells[0]
    case = services.hold_ceremony(user, decided(user, cell, "Quá Hạn Văn", days(600)), on=days(590))
    recent = services.hold_ceremony(user, decided(user, world.a.cells[1], "Vừa Hạn Văn", days(420),
                                                  birth=dt.date(1995, 5, 5)), on=days(390))
    client.force_login(user)
    html = client.get("/lifecycle/worklist/").content.decode()
    assert case.member.full_name in html and recent.member.full_name in html
    html = html.replace("<bdi>", "").replace("</bdi>", "")  # names are isolated for right-to-left pages
    rows = {row.split("</a>")[0].rsplit(">", 1)[-1]: "lc-overdue" in row for row in html.split("<tr")[1:]
            if "</a>" in row}
    assert rows[case.member.full_name] and not rows[recent.member.full_name]
