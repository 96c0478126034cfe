"""Page tests: every page renders for a scoped user, scope isolation gives 404, edits go through the
services (history and audit rows appear), concurrency conflicts are refused, exports are audited."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts.models import Role
from accounts.services import create_user, ensure_default_roles, grant_role
from audit.models import AuditRecord
from core.actions import SYSTEM
from members.models import Member, MemberHistory
from members.services import register_member
from orgs.models import Organization, OrganizationVersion
from orgs.services import establish_organization

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_axes(settings):
    settings.AXES_ENABLED = False


def _cid(province: int, birth: dt.date, gender: str, serial: int) -> str:
    digit = (birth.year // 100 - 19) * 2 + (1 if gender == "F" else 0)
    return f"{province:03d}{digit}{birth.year % 100:02d}{serial:06d}"


def _member(org, name, gender, birth, admission, serial, status="official", province=1):
    data = dict(full_name=name, gender=gender, birth_date=birth, admission_date=admission,
                citizen_id=_cid(province, birth, gender, serial))
    if status == "official":
        data["official_date"] = admission + dt.timedelta(days=366)
    return register_member(SYSTEM, organization=org, status=status, **data)


@pytest.fixture
def tree():
    central = establish_organization(SYSTEM, parent=None, code="TW", name="Ban Chấp hành Trung ương",
                                     org_type="central", effective_on=dt.date(2000, 1, 1))
    prov_a = establish_organization(SYSTEM, parent=central, code="HN", name="Đảng bộ Thành phố Hà Nội",
                                    org_type="level1", effective_on=dt.date(2000, 1, 1), decision="1-QD/TW")
    prov_b = establish_organization(SYSTEM, parent=central, code="HCM", name="Đảng bộ Thành phố Hồ Chí Minh",
                                    org_type="level1", effective_on=dt.date(2000, 1, 1))
    grass_a = establish_organization(SYSTEM, parent=prov_a, code="HN-01", name="Đảng bộ Phường Ba Đình",
                                     org_type="grassroots_committee", effective_on=dt.date(2000, 1, 1))
    cell_a = establish_organization(SYSTEM, parent=grass_a, code="HN-01-1", name="Chi bộ Khu phố 1",
                                    org_type="cell", effective_on=dt.date(2000, 1, 1))
    grass_b = establish_organization(SYSTEM, parent=prov_b, code="HCM-01", name="Đảng bộ Phường Bến Nghé",
                                     org_type="grassroots_committee", effective_on=dt.date(2000, 1, 1))
    cell_b = establish_organization(SYSTEM, parent=grass_b, code="HCM-01-1", name="Chi bộ Khu phố 5",
                                    org_type="cell", effective_on=dt.date(2000, 1, 1))
    duc = _member(cell_a, "Nguyễn Văn Đức", "M", dt.date(1980, 5, 1), dt.date(2005, 3, 1), 1)
    lan = _member(cell_a, "Trần Thị Lan", "F", dt.date(1990, 7, 9), dt.date(2015, 6, 2), 2)
    probation = _member(cell_a, "Lê Văn Hùng", "M", dt.date(1995, 1, 1), dt.date(2020, 1, 1), 3,
                        status="probationary")
    other = _member(cell_b, "Phạm Minh Châu", "F", dt.date(1985, 2, 3), dt.date(2010, 4, 5), 4, province=79)
    return {"central": central, "prov_a": prov_a, "prov_b": prov_b, "grass_a": grass_a, "cell_a": cell_a,
            "grass_b": grass_b, "cell_b": cell_b, "duc": duc, "lan": lan, "probation": probation, "other": other}


def _user(username, org, role_code):
    ensure_default_roles()  # normally done after migrate; a flushed test database may lack them
    user = create_user(SYSTEM, username=username, password="S3cure-pass-2025", organization=org,
                       first_name="Test", last_name=username)
    grant_role(SYSTEM, user=user, role=Role.objects.get(code=role_code), organization=org,
               valid_from=dt.date(2020, 1, 1))
    return user


@pytest.fixture
def officer(tree):
    return _user("officer_a", tree["prov_a"], "organization_officer")


@pytest.fixture
def viewer(tree):
    return _user("viewer_a", tree["prov_a"], "viewer")


@pytest.fixture
def client_a(client, officer):
    client.force_login(officer)
    return client


# ---------------------------------------------------------------- pages render

def test_login_page_renders_and_logs_in(client, officer):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert b'name="username"' in response.content
    response = client.post(reverse("login"), {"username": "officer_a", "password": "S3cure-pass-2025"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200


def test_pages_require_login(client, tree):
    for url in (reverse("dashboard"), reverse("members:list"), reverse("orgs:tree"), reverse("audit:list"),
                reverse("members:detail", kwargs={"pk": tree["duc"].pk})):
        response = client.get(url)
        assert response.status_code == 302 and reverse("login") in response["Location"]


def test_every_page_renders_for_scoped_user(client_a, tree):
    duc, org = tree["duc"], tree["cell_a"]
    urls = [
        reverse("dashboard"),
        reverse("orgs:tree"),
        reverse("orgs:tree") + "?q=ba+dinh",
        reverse("orgs:tree") + "?on=2010-01-01",
        reverse("orgs:detail", kwargs={"pk": org.pk}),
        reverse("orgs:detail", kwargs={"pk": tree["prov_a"].pk}),
        reverse("orgs:children", kwargs={"pk": tree["prov_a"].pk}),
        reverse("orgs:children", kwargs={"pk": tree["prov_a"].pk}) + "?on=2010-01-01",
        reverse("orgs:edit", kwargs={"pk": org.pk}),
        reverse("orgs:create_child", kwargs={"pk": tree["grass_a"].pk}),
        reverse("members:list"),
        reverse("members:detail", kwargs={"pk": duc.pk}),
        reverse("members:edit", kwargs={"pk": duc.pk}),
        reverse("members:create") + f"?organization={org.code}",
        reverse("audit:list"),
        reverse("password_change"),
    ]
    for url in urls:
        response = client_a.get(url)
        assert response.status_code == 200, url
        assert b'lang="' in response.content or "/children/" in url


def test_dashboard_shows_counters_and_due_members(client_a, tree):
    response = client_a.get(reverse("dashboard"))
    content = response.content.decode()
    assert "Đảng bộ Thành phố Hà Nội" in content
    assert "Lê Văn Hùng" in content  # probationary since 2020: due for recognition
    assert 'id="dashboard-data"' in content
    assert response.context["official"] == 2 and response.context["probationary"] == 1


def test_bad_input_never_500(client_a, tree):
    for url in (
        reverse("members:list") + "?admission_year=abc&born_after=notadate",
        reverse("members:list") + "?cursor=%%%garbage",
        reverse("members:list") + "?organization=xyz",
        reverse("members:list") + "?sort=evil",
        reverse("audit:list") + "?since=2025-13-45&object_id=x&cursor=zzz",
        reverse("orgs:tree") + "?on=yesterday",
        reverse("members:create") + "?organization=abc",
    ):
        assert client_a.get(url).status_code == 200, url


# ---------------------------------------------------------------- member list

def test_search_without_diacritics_finds_member(client_a, tree):
    response = client_a.get(reverse("members:list"), {"q": "nguyen van duc"})
    assert "Nguyễn Văn Đức" in response.content.decode()
    assert "Trần Thị Lan" not in response.content.decode()
    response = client_a.get(reverse("members:list"), {"q": "duc"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert b"<html" not in response.content  # the htmx partial
    assert "Nguyễn Văn Đức" in response.content.decode()


def test_empty_state_says_what_to_do(client_a, tree):
    response = client_a.get(reverse("members:list"), {"q": "zzzz"})
    assert "No members match" in response.content.decode()


def test_member_list_pagination(client_a, tree, settings):
    settings.LIST_PAGE_SIZE = 2
    first = client_a.get(reverse("members:list"))
    names_1 = [m.full_name for m in first.context["members"]]
    assert len(names_1) == 2  # three members in province A only
    page = first.context["page"]
    assert page.next_cursor
    second = client_a.get(reverse("members:list"), {"cursor": page.next_cursor})
    names_2 = [m.full_name for m in second.context["members"]]
    assert names_2 and not set(names_1) & set(names_2)
    assert set(names_1 + names_2) == {"Nguyễn Văn Đức", "Trần Thị Lan", "Lê Văn Hùng"}
    assert second.context["page"].previous_cursor or not second.context["page"].is_first
    # sorting by birth date descending
    by_birth = client_a.get(reverse("members:list"), {"sort": "-birth"})
    assert [m.full_name for m in by_birth.context["members"]][0] == "Lê Văn Hùng"


def test_member_list_queries_are_constant(client_a, tree, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client_a.get(reverse("members:list"), {"organization": tree["cell_a"].code, "status": "official"})


def test_filter_by_organization_subtree(client_a, tree):
    response = client_a.get(reverse("members:list"), {"organization": tree["cell_a"].code, "status": "probationary"})
    assert [m.full_name for m in response.context["members"]] == ["Lê Văn Hùng"]


# ---------------------------------------------------------------- edits

def test_member_edit_saves_with_history_and_audit(client_a, tree):
    duc = tree["duc"]
    url = reverse("members:edit", kwargs={"pk": duc.pk})
    form = client_a.get(url).context["form"]
    data = {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v))
            for k, v in form.initial.items()}
    data["occupation"] = "Kỹ sư"
    response = client_a.post(url, data)
    assert response.status_code == 302
    duc.refresh_from_db()
    assert duc.occupation == "Kỹ sư"
    record = AuditRecord.objects.filter(content_type=ContentType.objects.get_for_model(Member),
                                        object_id=str(duc.pk), event="update").latest("id")
    assert record.changes["occupation"] == ["", "Kỹ sư"]
    assert record.actor_label == "officer_a"
    page = client_a.get(reverse("members:detail", kwargs={"pk": duc.pk})).content.decode()
    assert "Kỹ sư" in page
    assert MemberHistory.objects.filter(member=duc).exists()
    assert "Registered" in page or "Recognized" in page  # the history timeline


def test_member_edit_field_errors(client_a, tree):
    duc = tree["duc"]
    url = reverse("members:edit", kwargs={"pk": duc.pk})
    form = client_a.get(url).context["form"]
    data = {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v))
            for k, v in form.initial.items()}
    data["citizen_id"] = "999080000001"  # not a province code
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors["citizen_id"]


def test_stale_lock_version_gives_conflict_and_changes_nothing(client_a, tree):
    duc = tree["duc"]
    url = reverse("members:edit", kwargs={"pk": duc.pk})
    form = client_a.get(url).context["form"]
    data = {k: ("" if v is None else (v.isoformat() if hasattr(v, "isoformat") else v))
            for k, v in form.initial.items()}
    data["lock_version"] = duc.lock_version - 1 if duc.lock_version else duc.lock_version + 5
    data["occupation"] = "Giáo viên"
    audit_before = AuditRecord.objects.count()
    response = client_a.post(url, data)
    assert response.status_code == 409
    assert "Someone else changed this record" in response.content.decode()
    duc.refresh_from_db()
    assert duc.occupation == ""
    assert AuditRecord.objects.count() == audit_before


def test_member_create(client_a, tree):
    birth = dt.date(1992, 3, 4)
    response = client_a.post(reverse("members:create"), {
        "organization": tree["cell_a"].code, "status": "probationary", "full_name": "Đỗ Thị Mai", "gender": "F",
        "birth_date": birth.isoformat(), "admission_date": "2024-05-01", "citizen_id": _cid(1, birth, "F", 77),
    })
    assert response.status_code == 302
    assert Member.objects.filter(full_name="Đỗ Thị Mai", status="probationary").exists()


def test_member_create_outside_scope_is_refused(client_a, tree):
    birth = dt.date(1992, 3, 4)
    response = client_a.post(reverse("members:create"), {
        "organization": tree["cell_b"].code, "status": "probationary", "full_name": "Đỗ Thị Mai", "gender": "F",
        "birth_date": birth.isoformat(), "admission_date": "2024-05-01",
    })
    assert response.status_code == 200
    assert response.context["form"].errors["organization"]
    assert not Member.objects.filter(full_name="Đỗ Thị Mai").exists()


def test_organization_edit_and_establish(client_a, tree):
    cell = tree["cell_a"]
    url = reverse("orgs:edit", kwargs={"pk": cell.pk})
    response = client_a.post(url, {"name": "Chi bộ Khu phố Một", "code": cell.code, "org_type": "cell",
                                   "term": "2025-2030", "lock_version": cell.lock_version,
                                   "decision": "12-QD/DU", "decision_date": "2025-01-02"})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.name == "Chi bộ Khu phố Một"
    assert OrganizationVersion.objects.filter(organization=cell, name="Chi bộ Khu phố Một").exists()
    stale = client_a.post(url, {"name": "Other", "code": cell.code, "org_type": "cell",
                                "lock_version": cell.lock_version - 1})
    assert stale.status_code == 409
    cell.refresh_from_db()
    assert cell.name == "Chi bộ Khu phố Một"
    response = client_a.post(reverse("orgs:create_child", kwargs={"pk": tree["grass_a"].pk}),
                             {"name": "Chi bộ Khu phố 2", "code": "HN-01-2", "org_type": "cell"})
    assert response.status_code == 302
    assert Organization.objects.filter(code="HN-01-2", parent=tree["grass_a"]).exists()


def test_view_only_user_gets_403_on_edit_pages(client, viewer, tree):
    client.force_login(viewer)
    assert client.get(reverse("members:detail", kwargs={"pk": tree["duc"].pk})).status_code == 200
    assert client.get(reverse("members:edit", kwargs={"pk": tree["duc"].pk})).status_code == 403
    assert client.get(reverse("orgs:edit", kwargs={"pk": tree["cell_a"].pk})).status_code == 403
    assert client.get(reverse("members:edit", kwargs={"pk": tree["other"].pk})).status_code == 404
    assert client.get(reverse("members:export", kwargs={"fmt": "csv"})).status_code == 403


# ---------------------------------------------------------------- scope isolation

def test_other_province_is_404(client_a, tree):
    for name, obj in (("members:detail", tree["other"]), ("members:edit", tree["other"]),
                      ("orgs:detail", tree["prov_b"]), ("orgs:detail", tree["cell_b"]),
                      ("orgs:edit", tree["cell_b"]), ("orgs:create_child", tree["grass_b"]),
                      ("orgs:children", tree["prov_b"]), ("orgs:detail", tree["central"])):
        assert client_a.get(reverse(name, kwargs={"pk": obj.pk})).status_code == 404, name
    response = client_a.get(reverse("members:list"), {"q": "pham"})
    assert "Phạm Minh Châu" not in response.content.decode()


def _pk_patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from _pk_patterns(entry, namespace)
        elif isinstance(entry, URLPattern) and "pk" in entry.pattern.regex.groupindex:
            yield entry, f"{prefix}{entry.name}"


def test_every_pk_view_declares_model_and_hides_out_of_scope(client_a, tree):
    out_of_scope = {Member: tree["other"], Organization: tree["cell_b"]}
    checked = 0
    for pattern, name in _pk_patterns():
        view_class = getattr(pattern.callback, "view_class", None)
        if view_class is None or name.startswith("api") or "admin" in str(pattern.callback.__module__):
            continue
        model = getattr(view_class, "model", None)
        assert model is not None, name
        if model in out_of_scope:
            assert client_a.get(reverse(name, kwargs={"pk": out_of_scope[model].pk})).status_code == 404, name
            checked += 1
    assert checked >= 6


# ---------------------------------------------------------------- export

def test_csv_export_streams_and_is_audited(client_a, tree):
    before = AuditRecord.objects.filter(event="export").count()
    response = client_a.get(reverse("members:export", kwargs={"fmt": "csv"}), {"organization": tree["cell_a"].pk})
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "Nguyễn Văn Đức" in body and "Phạm Minh Châu" not in body
    records = AuditRecord.objects.filter(event="export")
    assert records.count() == before + 1
    record = records.latest("id")
    assert record.changes["rows"] == 3 and record.actor_label == "officer_a"


def test_xlsx_export_opens_with_openpyxl(client_a, tree):
    from openpyxl import load_workbook

    response = client_a.get(reverse("members:export", kwargs={"fmt": "xlsx"}), {"q": "tran"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    rows = list(workbook.active.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "Trần Thị Lan"  # no internal id column
    assert AuditRecord.objects.filter(event="export").exists()


def test_export_cap(client_a, tree, settings):
    settings.PARTYWORK_EXPORT_MAX_ROWS = 1
    response = client_a.get(reverse("members:export", kwargs={"fmt": "csv"}), follow=True)
    assert "more than" in response.content.decode()
    assert not AuditRecord.objects.filter(event="export").exists()


# ---------------------------------------------------------------- audit page, language

def test_audit_list_filters(client_a, tree, settings):
    settings.LIST_PAGE_SIZE = 5
    response = client_a.get(reverse("audit:list"), {"object_type": "members.member",
                                                    "object_id": str(tree["duc"].pk)})
    assert response.status_code == 200
    assert all(r.object_id == str(tree["duc"].pk) for r in response.context["records"])
    assert response.context["records"]
    response = client_a.get(reverse("audit:list"))
    assert response.context["page"].next_cursor
    nxt = client_a.get(reverse("audit:list"), {"cursor": response.context["page"].next_cursor})
    assert nxt.status_code == 200 and nxt.context["records"]
    # nothing of province B in the trail of a province A officer
    assert all(not r.org_path.startswith(tree["prov_b"].path) for r in nxt.context["records"])


def test_arabic_is_rtl(client_a, tree):
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "ar"
    response = client_a.get(reverse("dashboard"))
    assert 'dir="rtl"' in response.content.decode()
    assert 'lang="ar"' in response.content.decode()


def test_language_switch_works_even_if_not_persisted(client_a, officer):
    response = client_a.post(reverse("accounts:language"), {"language": "ru", "next": reverse("members:list")})
    assert response.status_code == 302
    assert 'lang="ru"' in client_a.get(reverse("members:list")).content.decode()




def test_language_switch_persists_on_user(client_a, officer):
    response = client_a.post(reverse("accounts:language"), {"language": "de", "next": reverse("members:list")})
    assert response.status_code == 302 and response["Location"].endswith(reverse("members:list"))
    officer.refresh_from_db()
    assert officer.language == "de"
    page = client_a.get(reverse("members:list"))
    assert 'lang="de"' in page.content.decode()


def test_password_change_goes_through_service(client_a, officer):
    response = client_a.post(reverse("password_change"), {
        "old_password": "S3cure-pass-2025", "new_password1": "An0ther-long-pass", "new_password2": "An0ther-long-pass"})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("An0ther-long-pass")


def test_superuser_changes_own_language_and_password(client, tree):
    admin = create_user(SYSTEM, username="root", password="S3cure-pass-2025", organization=None, is_superuser=True)
    client.force_login(admin)
    client.post(reverse("accounts:language"), {"language": "ar", "next": "/"})
    admin.refresh_from_db()
    assert admin.language == "ar"
    response = client.post(reverse("password_change"), {
        "old_password": "S3cure-pass-2025", "new_password1": "An0ther-long-pass", "new_password2": "An0ther-long-pass"})
    assert response.status_code == 302
    admin.refresh_from_db()
    assert admin.check_password("An0ther-long-pass")
    assert 'dir="rtl"' in client.get(reverse("dashboard")).content.decode()


def test_logout_is_post(client_a):
    assert client_a.post(reverse("logout")).status_code in (200, 302)
    assert client_a.get(reverse("dashboard")).status_code == 302
