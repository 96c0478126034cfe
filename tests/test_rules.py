"""Rules are dated data: each act applies the version in force on its own date, refusals name the regulation,
national administrators add versions through the page and the API (audited), nobody else can."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditRecord
from core import l10n, rules
from core.actions import SYSTEM, system_action
from core.models import RuleVersion
from core.services import add_rule_version, correct_rule_version
from lifecycle import badges, services
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NEW_RULE = dt.date(2026, 1, 1)


@pytest.fixture(autouse=True)
def _after_2026():
    if TODAY < dt.date(2026, 3, 1):
        pytest.skip("the dated acts below need a clock past early 2026")


def _applicant(name: str, birth=dt.date(1995, 5, 1), gender="M"):
    return {"full_name": name, "gender": gender, "birth_date": birth,
            "citizen_id": factories.citizen_id(birth, gender)}


def _admit(user, cell, name: str, ceremony: dt.date) -> Member:
    case = services.submit_application(user, cell=cell, applied_on=ceremony - dt.timedelta(days=30),
                                       **_applicant(name))
    services.record_cell_resolution(user, case, number="01-NQ/CB", on=ceremony - dt.timedelta(days=20))
    services.record_committee_decision(user, case, number="12-QĐ/ĐU", on=ceremony - dt.timedelta(days=10))
    return services.hold_ceremony(user, case, on=ceremony).member


def _probation_18_from_2026():
    return add_rule_version(SYSTEM, "PROBATION_MONTHS", value=18, valid_from=NEW_RULE, regulation_kind="regulation",
                            regulation="999-QĐ/TW", regulation_date=dt.date(2025, 12, 1), provision="3.2")


# --- The shipped versions and the lookup ------------------------------------------------------------------------

def test_shipped_versions_are_data_with_their_regulations():
    """migrate wrote the shipped versions (with their regulation) into the table; nothing comes from settings."""
    assert not hasattr(settings, "PARTYWORK_RULES")
    stored = RuleVersion.objects.filter(code="MIN_ADMISSION_AGE", source="shipped").order_by("valid_from")
    assert [(v.valid_from, v.value, v.regulation) for v in stored] == [
        (dt.date(2011, 1, 19), 18, ""), (dt.date(2021, 7, 30), 18, "24-QĐ/TW"), (dt.date(2025, 7, 1), 18, "294-QĐ/TW")]
    assert rules.rule_version("MIN_ADMISSION_AGE", dt.date(2024, 5, 1)).regulation == "24-QĐ/TW"
    assert rules.rule_version("MIN_ADMISSION_AGE", dt.date(2026, 5, 1)).regulation == "294-QĐ/TW"
    assert rules.rule_version("MIN_ADMISSION_AGE", dt.date(1980, 5, 1)).valid_from == dt.date(2011, 1, 19)
    for definition in rules.definitions():
        assert RuleVersion.objects.filter(code=definition.code).count() == len(definition.versions), definition.code
    assert rules.rule("BADGE_YEARS", TODAY)[:3] == [30, 40, 45]
    assert str(rules.rule("ADMISSION_TARGET_PERCENT", TODAY)) == "3"


def test_seeding_is_idempotent_and_keeps_the_administrators_versions():
    from core.services import seed_shipped_rules

    before = RuleVersion.objects.count()
    assert seed_shipped_rules() == 0
    assert RuleVersion.objects.count() == before


def test_reads_are_cached_and_a_write_is_seen_at_once(django_assert_num_queries):
    rules.rule("PROBATION_MONTHS", TODAY)
    with django_assert_num_queries(0):
        for _ in range(1000):
            rules.rule("PROBATION_MONTHS", TODAY)
            rules.rule("CITIZEN_ID_STRICT")
    add_rule_version(SYSTEM, "PROBATION_MONTHS", value=14, valid_from=TODAY)
    assert rules.rule("PROBATION_MONTHS", TODAY) == 14
    assert rules.rule("PROBATION_MONTHS", TODAY - dt.timedelta(days=1)) == 12


def test_another_process_write_is_seen_after_the_recheck(settings):
    """A version another process wrote (here: saved without telling this process's cache) is read once the
    recheck interval has passed: one small query compares the table's count and largest id."""
    settings.PARTYWORK_RULES_RECHECK_SECONDS = 3600
    assert rules.rule("PROBATION_MONTHS", TODAY) == 12
    with system_action("test.other_process"):
        RuleVersion(code="PROBATION_MONTHS", kind="int", value=15, valid_from=TODAY).save()
    assert rules.rule("PROBATION_MONTHS", TODAY) == 12  # within the interval: the process's copy
    settings.PARTYWORK_RULES_RECHECK_SECONDS = 0
    assert rules.rule("PROBATION_MONTHS", TODAY) == 15


def test_a_forked_child_never_queries(settings, django_assert_num_queries):
    """The importer's parsing process shares its parent's connection: it reads the rules it inherited, never the
    database, even past the recheck interval."""
    rules.load_before_fork()
    settings.PARTYWORK_RULES_RECHECK_SECONDS = 0
    rules._cache.forked = True
    try:
        with django_assert_num_queries(0):
            assert rules.rule("CITIZEN_ID_STRICT") is True
            assert rules.rule("PROBATION_MONTHS", TODAY) == 12
    finally:
        rules._cache.forked = False


def test_rule_versions_are_never_overwritten():
    version = RuleVersion.objects.filter(code="PROBATION_MONTHS").first()
    with system_action("test.overwrite"):
        version.value = 99
        with pytest.raises(TypeError):
            version.save()
        with pytest.raises(TypeError):
            RuleVersion.objects.filter(pk=version.pk).update(value=99)
        with pytest.raises(TypeError):
            version.delete()
    assert RuleVersion.objects.get(pk=version.pk).value == 12


# --- Every act applies the rule of its own date -----------------------------------------------------------------

def test_probation_follows_the_rule_in_force_at_the_ceremony(world):
    """PROBATION_MONTHS 12 -> 18 from 2026-01-01: a 2024 ceremony ends after 12 months, a 2026 one after 18."""
    _probation_18_from_2026()
    user = world.a_secretary
    old = _admit(user, world.a.cells[0], "Trước Đổi", dt.date(2024, 5, 1))
    new = _admit(user, world.a.cells[1], "Sau Đổi", dt.date(2026, 2, 1))
    assert services.probation_end(old) == dt.date(2025, 5, 1)
    assert services.probation_end(new) == dt.date(2027, 8, 1)
    # The 2024 member is recognized after 12 months although the rule today says 18.
    member = services.recognize_official(user, old, vote_no="5-NQ/CB", vote_date=dt.date(2025, 5, 10),
                                         decision_no="20-QĐ/ĐU", on=dt.date(2025, 5, 20))
    assert member.status == "official"
    # The 2026 member is refused, and the refusal names the months and the regulation of the ceremony's date.
    with pytest.raises(ValidationError) as err:
        services.recognize_official(user, new, vote_no="6-NQ/CB", vote_date=dt.date(2026, 2, 10),
                                    decision_no="21-QĐ/ĐU", on=dt.date(2026, 2, 10))
    message = " ".join(err.value.message_dict["vote_date"])
    assert l10n.day(dt.date(2027, 8, 1)) in message and "18 months" in message and "Regulation 999-QĐ/TW" in message


def test_worklist_applies_each_admissions_own_rule(world):
    """Due on 2026-12-01: admitted 2025-11-15 (12 months: due), admitted 2026-01-15 (18 months: not yet)."""
    _probation_18_from_2026()
    before = factories.member(world.a.cells[0], "Kết Nạp Cũ", admitted=dt.date(2025, 11, 15), official=None)
    after = factories.member(world.a.cells[0], "Kết Nạp Mới", admitted=dt.date(2026, 1, 15), official=None)
    due = set(services.recognition_worklist(world.a_secretary, on=dt.date(2026, 12, 1)))
    assert before in due and after not in due
    assert after in set(services.recognition_worklist(world.a_secretary, on=dt.date(2027, 7, 15)))


def test_admission_age_refusal_names_the_regulation(world):
    too_young = dt.date(TODAY.year - 17, 1, 1)
    with pytest.raises(ValidationError) as err:
        services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=TODAY,
                                    **_applicant("Trẻ Quá", birth=too_young))
    message = " ".join(err.value.message_dict["birth_date"])
    assert "18" in message and "Regulation 294-QĐ/TW" in message
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as err:
        services.submit_application(world.a_secretary, cell=world.a.cells[0], applied_on=TODAY,
                                    **_applicant("Trẻ Quá", birth=too_young))
    message = " ".join(err.value.message_dict["birth_date"])
    assert "294-QĐ/TW" in message


def test_transfer_due_date_uses_the_rule_of_the_letter_date(world):
    add_rule_version(SYSTEM, "TRANSFER_DUE_DAYS", value=10, valid_from=dt.date(2026, 6, 1))
    member = world.a.members[0]
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], number="1-GGT",
                                            issued_on=dt.date(2026, 5, 1))
    assert letter.due_on == dt.date(2026, 5, 31)
    services.cancel_letter(world.a_secretary, letter, on=dt.date(2026, 5, 2), reason="thử")
    letter = services.issue_transfer_letter(world.a_secretary, member, to_org=world.a.cells[1], number="2-GGT",
                                            issued_on=dt.date(2026, 6, 2))
    assert letter.due_on == dt.date(2026, 6, 12)


def test_badge_list_uses_the_rule_at_the_end_of_its_period(world):
    add_rule_version(SYSTEM, "BADGE_YEARS", value="30, 40, 50", valid_from=dt.date(2026, 1, 1),
                     regulation_kind="guidance", regulation="99-HD/TW")
    assert badges.badge_years(dt.date(2025, 12, 31))[:3] == [30, 40, 45]
    assert badges.badge_years(dt.date(2026, 12, 31)) == [30, 40, 50]
    forty_five = factories.member(world.a.cells[0], "Bốn Lăm", birth=dt.date(1950, 1, 1), admitted=dt.date(1980, 3, 1),
                                  official=dt.date(1981, 3, 1))
    groups_2025 = {g.years: list(g.queryset) for g in badges.badge_groups(
        world.a_secretary, dt.date(2025, 1, 1), dt.date(2025, 12, 31))}
    assert forty_five in groups_2025[45]
    groups_2026 = {g.years for g in badges.badge_groups(world.a_secretary, dt.date(2026, 1, 1),
                                                         dt.date(2026, 12, 31))}
    assert 45 not in groups_2026


# --- The actions: checked, audited, only for national administrators -------------------------------------------

def test_invalid_values_and_dates_change_nothing(world):
    before = RuleVersion.objects.count()
    cases = [
        ("PROBATION_MONTHS", {"value": "twelve", "valid_from": TODAY}, "value"),
        ("PROBATION_MONTHS", {"value": True, "valid_from": TODAY}, "value"),
        ("PROBATION_MONTHS", {"value": 0, "valid_from": TODAY}, "value"),
        ("PROBATION_MONTHS", {"value": 12, "valid_from": dt.date(9999, 12, 31)}, "valid_from"),
        ("PROBATION_MONTHS", {"value": 12, "valid_from": "2026-13-01"}, "valid_from"),
        ("PROBATION_MONTHS", {"value": 12, "valid_from": dt.date(2011, 1, 19)}, "valid_from"),  # one holds then
        ("BADGE_YEARS", {"value": "30, forty", "valid_from": TODAY}, "value"),
        ("BADGE_YEARS", {"value": [], "valid_from": TODAY}, "value"),
        ("CITIZEN_ID_STRICT", {"value": "maybe", "valid_from": TODAY}, "value"),
        ("ADMISSION_TARGET_PERCENT", {"value": "101", "valid_from": TODAY}, "value"),
        ("ADMISSION_TARGET_PERCENT", {"value": "NaN", "valid_from": TODAY}, "value"),
        ("STUDENT_OCCUPATIONS", {"value": [1, 2], "valid_from": TODAY}, "value"),
        ("PROBATION_MONTHS", {"value": 12, "valid_from": TODAY, "regulation": "5-QĐ/TW"}, "regulation_kind"),
        ("PROBATION_MONTHS", {"value": 12, "valid_from": TODAY, "regulation_kind": "regulation",
                              "regulation_date": dt.date(2100, 1, 1)}, "regulation_date"),
    ]
    for code, kwargs, field in cases:
        with pytest.raises(ValidationError) as err:
            add_rule_version(world.admin, code, **kwargs)
        assert field in err.value.message_dict, (code, kwargs, err.value.message_dict)
    with pytest.raises(rules.UnknownRule):
        add_rule_version(world.admin, "NO_SUCH_RULE", value=1, valid_from=TODAY)
    assert RuleVersion.objects.count() == before


def test_only_national_administrators_change_rules(world):
    from accounts.models import Role
    from accounts.services import grant_role

    with pytest.raises(PermissionDenied):
        add_rule_version(world.a_secretary, "PROBATION_MONTHS", value=18, valid_from=TODAY)
    with pytest.raises(PermissionDenied):
        add_rule_version(None, "PROBATION_MONTHS", value=18, valid_from=TODAY)  # nobody may nothing
    assert not rules.may_change_rules(world.a_secretary)
    assert rules.may_change_rules(world.admin)
    # A role carrying core.change_ruleversion counts on the Centre only, not lower in the tree.
    from django.contrib.auth.models import Permission

    with system_action("test.role"):
        role = Role(code="rules_admin", name="Rules")
        role.save()
        role.permissions.add(Permission.objects.get(codename="change_ruleversion", content_type__app_label="core"))
    provincial = factories.user_with_role("rules_prov", "secretary", world.a.org)
    grant_role(SYSTEM, user=provincial, role=role, organization=world.a.org, valid_from=dt.date(2020, 1, 1))
    national = factories.user_with_role("rules_nat", "viewer", world.a.org)
    grant_role(SYSTEM, user=national, role=role, organization=world.central, valid_from=dt.date(2020, 1, 1))
    assert not rules.may_change_rules(type(provincial).objects.get(pk=provincial.pk))
    assert rules.may_change_rules(type(national).objects.get(pk=national.pk))
    # No shipped role carries the permission.
    assert not Role.objects.exclude(pk=role.pk).filter(permissions__codename="change_ruleversion").exists()


def test_a_correction_is_recorded_with_its_reason_and_replaces_the_version(world):
    wrong = add_rule_version(world.admin, "TRANSFER_DUE_DAYS", value=45, valid_from=dt.date(2026, 3, 1),
                             regulation_kind="guidance", regulation="7-HD/BTCTW")
    assert rules.rule("TRANSFER_DUE_DAYS", dt.date(2026, 4, 1)) == 45
    with pytest.raises(ValidationError) as err:
        correct_rule_version(world.admin, wrong, reason="", value=40)
    assert "reason" in err.value.message_dict
    fixed = correct_rule_version(world.admin, wrong, reason="Gõ nhầm số ngày", value=40)
    assert rules.rule("TRANSFER_DUE_DAYS", dt.date(2026, 4, 1)) == 40
    assert RuleVersion.objects.get(pk=wrong.pk).value == 45  # the wrong entry stays as it was
    with pytest.raises(ValidationError):
        correct_rule_version(world.admin, wrong, reason="again", value=41)  # already corrected
    correct_rule_version(world.admin, fixed, reason="Nhập nhầm cả bản", withdraw=True)
    assert rules.rule("TRANSFER_DUE_DAYS", dt.date(2026, 4, 1)) == 30
    only = RuleVersion.objects.get(code="CELL_MIN_MEMBERS")
    with pytest.raises(ValidationError) as err:
        correct_rule_version(world.admin, only, reason="x", withdraw=True)
    assert "withdraw" in err.value.message_dict
    records = AuditRecord.objects.filter(content_type__app_label="core", content_type__model="ruleversion",
                                         object_id__in=[str(wrong.pk), str(fixed.pk)])
    assert records.count() == 2 and all(r.actor_id == world.admin.pk for r in records)


# --- Page and API ---------------------------------------------------------------------------------------------

def test_admin_adds_a_version_through_the_page(world, client):
    client.force_login(world.admin)
    response = client.get("/rules/")
    assert response.status_code == 200 and "PROBATION_MONTHS" in response.content.decode()
    response = client.post("/rules/PROBATION_MONTHS/", {
        "form": "add", "value": "18", "valid_from": "2026-01-01", "regulation_kind": "regulation",
        "regulation": "999-QĐ/TW", "regulation_date": "2025-12-01"})
    assert response.status_code == 302
    version = RuleVersion.objects.get(code="PROBATION_MONTHS", regulation="999-QĐ/TW")
    assert version.value == 18 and version.recorded_by_id == world.admin.pk
    assert AuditRecord.objects.filter(content_type__model="ruleversion", object_id=str(version.pk),
                                      actor_id=world.admin.pk).exists()
    page = client.get("/rules/PROBATION_MONTHS/").content.decode()
    assert "999-QĐ/TW" in page and "Party Statute" in page  # the history shows every version
    # A wrong value is a form error, nothing changes.
    count = RuleVersion.objects.count()
    response = client.post("/rules/PROBATION_MONTHS/", {"form": "add", "value": "many", "valid_from": "2026-02-01"})
    assert response.status_code == 400 and "Enter a whole number." in response.content.decode()
    response = client.post("/rules/PROBATION_MONTHS/", {"form": "add", "value": "12", "valid_from": "2026-02-31"})
    assert response.status_code == 400
    assert RuleVersion.objects.count() == count
    # A correction through the page.
    response = client.post("/rules/PROBATION_MONTHS/", {
        "form": "correction", "correction-corrects": str(version.pk), "correction-reason": "Sai số tháng",
        "correction-value": "16"})
    assert response.status_code == 302
    assert rules.rule("PROBATION_MONTHS", dt.date(2026, 6, 1)) == 16


def test_non_admins_cannot_change_rules_through_the_page(world, client):
    client.force_login(world.a_secretary)
    assert client.get("/rules/").status_code == 200  # everyone reads the rules
    assert client.get("/rules/PROBATION_MONTHS/").status_code == 200
    assert "Add a version" not in client.get("/rules/PROBATION_MONTHS/").content.decode()
    response = client.post("/rules/PROBATION_MONTHS/", {"form": "add", "value": "18", "valid_from": "2026-01-01"})
    assert response.status_code == 403
    assert client.get("/rules/NO_SUCH_RULE/").status_code == 404
    assert not RuleVersion.objects.filter(source="recorded").exists()
    client.logout()
    assert client.get("/rules/").status_code == 302


def test_api_lists_rules_and_adds_versions(world):
    api = APIClient()
    api.force_authenticate(world.admin)
    listing = api.get("/api/rules/").json()
    by_code = {r["code"]: r for r in listing}
    assert by_code["PROBATION_MONTHS"]["value"] == 12 and "Party Statute" in by_code["PROBATION_MONTHS"]["citation"]
    assert by_code["ADMISSION_TARGET_PERCENT"]["value"] == "3"
    response = api.post("/api/rules/BADGE_YEARS/versions/", {
        "value": [30, 40, 45, 50, 95], "valid_from": "2026-09-02", "regulation_kind": "guidance",
        "regulation": "02-HD/TW", "regulation_date": "2026-08-20"}, format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["value"] == [30, 40, 45, 50, 95] and created["in_force"]
    assert AuditRecord.objects.filter(content_type__model="ruleversion", object_id=str(created["id"]),
                                      actor_id=world.admin.pk).exists()
    detail = api.get("/api/rules/BADGE_YEARS/").json()
    assert [v["regulation"] for v in detail["versions"]] == ["29-QĐ/TW", "01-HD/TW", "02-HD/TW"]
    assert detail["value"] == [30, 40, 45, 50, 95]
    # A correction through the API.
    response = api.post("/api/rules/BADGE_YEARS/versions/", {"corrects": created["id"], "reason": "thiếu 55",
                                                             "value": "30,40,45,50,55,95"}, format="json")
    assert response.status_code == 201 and response.json()["corrects"] == created["id"]
    assert rules.rule("BADGE_YEARS", dt.date(2026, 10, 1)) == [30, 40, 45, 50, 55, 95]


def test_api_refuses_bad_input_and_non_admins(world):
    api = APIClient()
    api.force_authenticate(world.admin)
    count = RuleVersion.objects.count()
    for body in ({"value": "x", "valid_from": "2026-01-01"}, {"value": 12, "valid_from": "2026-02-30"},
                 {"value": 12}, {"valid_from": "2026-01-01"}, {"value": [12], "valid_from": "2026-01-01"},
                 {"value": 12, "valid_from": "9999-12-31"}, {"corrects": 10**20, "reason": "x"},
                 {"corrects": 999999, "reason": "x"}, {"value": 12, "valid_from": "2026-01-01",
                                                       "regulation_kind": "poem"}):
        response = api.post("/api/rules/PROBATION_MONTHS/versions/", body, format="json")
        assert response.status_code == 400, (body, response.status_code, response.content)
    assert api.post("/api/rules/NO_SUCH/versions/", {"value": 1, "valid_from": "2026-01-01"},
                    format="json").status_code == 404
    assert api.get("/api/rules/NO_SUCH/").status_code == 404
    secretary = APIClient()
    secretary.force_authenticate(world.a_secretary)
    assert secretary.get("/api/rules/PROBATION_MONTHS/").status_code == 200
    response = secretary.post("/api/rules/PROBATION_MONTHS/versions/", {"value": 18, "valid_from": "2026-01-01"},
                              format="json")
    assert response.status_code == 403
    assert RuleVersion.objects.count() == count
    assert APIClient().get("/api/rules/").status_code in (401, 403)


# --- No second door --------------------------------------------------------------------------------------------

SOURCE_DIRS = ("accounts", "audit", "config", "core", "exchange", "jobs", "lifecycle", "members", "orgs", "reorg")


def _sources():
    root = Path(settings.BASE_DIR)
    for top in SOURCE_DIRS:
        for path in (root / top).rglob("*"):
            if path.suffix in (".py", ".html") and "migrations" not in path.parts:
                yield path
    yield from (root / "templates").rglob("*.html")


def test_every_rule_read_goes_through_rule():
    """No settings.PARTYWORK_RULES left, no rule number read from the environment, and every code read exists."""
    declared = {d.code for d in rules.definitions()}
    read = re.compile(r"""\brule(?:_version)?\(\s*["']([A-Z0-9_]+)["']""")
    found: set[str] = set()
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        assert "PARTYWORK_RULES[" not in text and "PARTYWORK_RULES_DEFAULTS" not in text, path
        assert not re.search(r"PARTYWORK_RULES\b(?!_RECHECK)", text), path
        assert "PARTYWORK_RULE_" not in text or path.name == "checks.py", path
        found |= set(read.findall(text))
    assert found, "the scan found no rule reads: it checks nothing"
    assert found <= declared, f"rules read but not declared: {found - declared}"
    assert {"PROBATION_MONTHS", "MIN_ADMISSION_AGE", "CITIZEN_ID_STRICT", "BADGE_YEARS"} <= found


def test_environment_overrides_are_reported(monkeypatch):
    from core.checks import rule_environment_variables

    assert rule_environment_variables() == []
    monkeypatch.setenv("PARTYWORK_RULE_PROBATION_MONTHS", "18")
    warnings = rule_environment_variables()
    assert warnings and warnings[0].id == "core.W001"


def test_shipped_provisions_read_in_the_readers_language(db):
    """A shipped article or point is stored as a code and cited in the reader's language, not frozen in Vietnamese."""
    from django.utils import translation

    version = rules.rule_version("PROBATION_MONTHS", dt.date(2020, 1, 1))
    assert version.provision == "art:5"
    with translation.override("en"):
        assert rules.cite(version).endswith(", Article 5")
    with translation.override("vi"):
        assert rules.cite(version).endswith(", Điều 5")
    assert rules.provision_text("khoản 2 Điều 7") == "khoản 2 Điều 7"  # typed by an administrator: as written


def test_citation_keeps_the_regulation_number_whole_in_right_to_left():
    from django.utils import translation

    from core.rules import RuleValue, cite

    version = RuleValue(code="X", value=1, valid_from=dt.date(2021, 12, 27), regulation_kind="regulation",
                        regulation="50-QĐ/TW", regulation_date=dt.date(2021, 12, 27))
    with translation.override("ar"):
        assert "\u206850-QĐ/TW\u2069" in cite(version)
    with translation.override("vi"):
        assert "\u2068" not in cite(version) and "50-QĐ/TW" in cite(version)
