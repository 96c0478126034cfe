"""The committee pages: an organization's committee as of any date, the forms that change it (refusals shown,
nothing changed, never a 500), a person's posts on their page, the worklist of vacancies and terms ending (a fixed
number of queries) and the audited XLSX export of compositions."""

from __future__ import annotations

import datetime as dt
import html
import io

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditRecord
from cadres.models import Body, PostHolding, Term
from core.actions import SYSTEM
from orgs.services import establish_organization
from tests import factories

pytestmark = pytest.mark.django_db

FROM = factories.COMMITTEE_FROM


def client_for(user, language: str = "en") -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


@pytest.fixture
def committee_world(world):
    """Province A's committee 2025-2030: a secretary and a committee member; the inspection commission has no
    chair; province B has its own committee."""
    a = world.a
    term = factories.committee(a.org, holders=[(a.members[0], "secretary"), (a.members[1], "committee_member"),
                                               (a.members[2], "ic_member")])
    factories.committee(world.b.org, holders=[(world.b.members[0], "secretary")])
    world.term = term
    return world


def committee_url(org, **query) -> str:
    url = reverse("cadres:committee", args=[org.pk])
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


# --- the committee page ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["vi", "ar", "en"])
def test_the_committee_page_shows_the_composition_in_every_language(committee_world, language):
    world = committee_world
    response = client_for(world.a_secretary, language).get(committee_url(world.a.org))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nguyễn Văn Đức" in text and "Trần Thị Hoa" in text and "Lê Minh An" in text
    assert "2025-2030" in text
    assert 'data-testid="vacancies"' in text and 'data-testid="head-missing-inspection_commission"' in text
    assert "head-missing-executive_committee" not in text  # the secretary is there
    if language == "ar":
        assert 'dir="rtl"' in text
        assert "<bdi>2025-2030</bdi>" in text
    if language == "vi":
        assert "01/10/2025" in text  # dates as the reader writes them


def test_the_committee_page_reads_any_date(committee_world):
    world = committee_world
    client = client_for(world.a_secretary)
    before = client.get(committee_url(world.a.org, on="2025-09-30"))
    assert before.status_code == 200
    assert 'data-testid="no-term"' in before.content.decode()
    assert "Nguyễn Văn Đức" not in before.content.decode()
    on = client.get(committee_url(world.a.org, on="2025-10-01"))
    assert "Nguyễn Văn Đức" in on.content.decode()
    bad = client.get(committee_url(world.a.org, on="31/31/2025"))
    assert bad.status_code == 400  # a wrong date is said, not a 500
    assert "Nguyễn Văn Đức" in bad.content.decode()  # the page still shows today's committee


def test_another_provinces_committee_page_is_404(committee_world):
    world = committee_world
    client = client_for(world.a_secretary)
    assert client.get(committee_url(world.b.org)).status_code == 404
    assert client.get(reverse("cadres:record_holding", args=[world.b.org.pk])).status_code == 404
    holding = PostHolding.objects.get(organization=world.b.org)
    assert client.get(reverse("cadres:end_holding", args=[holding.pk])).status_code == 404


def test_the_organization_page_shows_the_short_composition_and_a_link(committee_world):
    world = committee_world
    response = client_for(world.a_secretary).get(reverse("orgs:detail", args=[world.a.org.pk]))
    text = response.content.decode()
    assert 'data-testid="committee-panel"' in text
    assert reverse("cadres:committee", args=[world.a.org.pk]) in text
    assert "Nguyễn Văn Đức" in text  # the secretary


def test_a_persons_posts_are_on_their_member_page(committee_world):
    world = committee_world
    from cadres.services import end_holding

    holding = PostHolding.objects.get(member=world.a.members[1])
    end_holding(SYSTEM, holding, on=dt.date(2026, 3, 1), reason="moved", decision="5-QĐ/TU")
    response = client_for(world.a_secretary).get(reverse("members:detail", args=[world.a.members[1].pk]))
    text = response.content.decode()
    assert 'data-testid="member-posts"' in text
    assert "Committee member" in text and "Moved to other work" in text and "5-QĐ/TU" in text


def test_actions_are_offered_only_to_who_may_take_them(committee_world):
    world = committee_world
    viewer = factories.user_with_role("a_prov_viewer", "viewer", world.a.org)
    text = client_for(viewer).get(committee_url(world.a.org)).content.decode()
    assert 'data-action="record"' not in text and 'data-action="open-term"' not in text
    assert client_for(viewer).get(reverse("cadres:record_holding", args=[world.a.org.pk])).status_code == 403
    text = client_for(world.a_secretary).get(committee_url(world.a.org)).content.decode()
    assert 'data-action="record"' in text and 'data-action="close-term"' in text
    # The province's secretary is not above the province: appointing its committee is the Centre's decision.
    assert 'data-action="appoint"' not in text
    assert client_for(world.a_secretary).get(reverse("cadres:appoint", args=[world.a.org.pk])).status_code == 403
    grass = client_for(world.a_secretary).get(committee_url(world.a.grassroots)).content.decode()
    assert 'data-action="appoint"' in grass


# --- the forms ---------------------------------------------------------------------------------------------------


def record(client, org, **data):
    return client.post(reverse("cadres:record_holding", args=[org.pk]), data)


def test_record_a_holder_with_the_picker(committee_world):
    world = committee_world
    a = world.a
    body = Body.objects.get(term=world.term, kind="inspection_commission")
    client = client_for(world.a_secretary)
    assert client.get(reverse("cadres:record_holding", args=[a.org.pk])).status_code == 200
    response = record(client, a.org, body=body.pk, post="ic_chair", member=f"m{a.members[3].pk}",
                      selection="elected", valid_from="2025-10-01", decision="2-NQ/ĐH")
    assert response.status_code == 302, response.content.decode()
    assert PostHolding.objects.filter(body=body, member=a.members[3], post="ic_chair").exists()
    text = client.get(committee_url(a.org)).content.decode()
    assert "head-missing-inspection_commission" not in text


def test_the_post_names_its_body_and_save_and_record_another_keeps_the_date(committee_world):
    """A clerk chooses only the post (offered under its body); "save and record another" comes back with the date,
    the document and how chosen of the holder just recorded, for the next holder of the same congress."""
    world = committee_world
    a = world.a
    client = client_for(world.a_secretary)
    page = client.get(reverse("cadres:record_holding", args=[a.org.pk])).content.decode()
    assert 'name="body"' not in page  # nothing to choose: the post names it
    assert "<optgroup" in page
    response = record(client, a.org, post="ic_chair", member=f"m{a.members[3].pk}", selection="elected",
                      valid_from="2025-10-01", decision="2-NQ/ĐH", another="1")
    assert response.status_code == 302, response.content.decode()
    holding = PostHolding.objects.get(member=a.members[3], post="ic_chair")
    assert holding.body.kind == "inspection_commission" and holding.body.term_id == world.term.pk
    assert response["Location"].startswith(reverse("cadres:record_holding", args=[a.org.pk]) + "?")
    again = client.get(response["Location"]).content.decode()
    assert 'value="2-NQ/ĐH"' in again
    assert 'value="2025-10-01"' not in again  # the date shown in the page's language, not as ISO
    assert "01/10/2025" in again or "1/10/2025" in again or "10/01/2025" in again


def test_forms_refuse_bad_input_without_500_and_change_nothing(committee_world):
    world = committee_world
    a, b = world.a, world.b
    client = client_for(world.a_secretary)
    body = Body.objects.get(term=world.term, kind="inspection_commission")
    foreign_body = Body.objects.get(organization=b.org, kind="inspection_commission")
    count = PostHolding.objects.count()
    cases = [
        # a wrong date
        {"body": body.pk, "post": "ic_chair", "member": f"m{a.members[3].pk}", "selection": "elected",
         "valid_from": "2025-13-45"},
        # a member outside the user's subtree (province B's): not found, like one that does not exist
        {"body": body.pk, "post": "ic_chair", "member": f"m{b.members[1].pk}", "selection": "elected",
         "valid_from": "2025-10-01"},
        # a forged body id of another province
        {"body": foreign_body.pk, "post": "ic_chair", "member": f"m{a.members[3].pk}", "selection": "elected",
         "valid_from": "2025-10-01"},
        # a post of another body
        {"body": body.pk, "post": "secretary", "member": f"m{a.members[3].pk}", "selection": "elected",
         "valid_from": "2025-10-01"},
        # garbage everywhere
        {"body": "x" * 300, "post": "\x00", "member": "m" + "9" * 40, "selection": "nope", "valid_from": "0"},
    ]
    for data in cases:
        response = record(client, a.org, **data)
        assert response.status_code == 400, (data, response.status_code)
        assert "errorlist" in response.content.decode() or "message-error" in response.content.decode()
    assert PostHolding.objects.count() == count
    # The forged body is not among the choices: named as such.
    response = record(client, a.org, **cases[2])
    assert "Select a valid choice" in response.content.decode()
    # The service's own refusal (before the term opened) lands on the form too.
    response = record(client, a.org, body=body.pk, post="ic_chair", member=f"m{a.members[3].pk}",
                      selection="elected", valid_from="2020-01-01")
    assert response.status_code == 400
    assert PostHolding.objects.count() == count


def test_a_member_of_the_province_outside_the_organizations_subtree_is_refused(committee_world):
    world = committee_world
    a = world.a
    term = factories.committee(a.cells[0], label="2025-2027", seats={"executive_committee": 2})
    body = term.bodies.get(kind="executive_committee")
    other_cell_member = next(m for m in a.members if m.organization_id == a.cells[1].pk)
    count = PostHolding.objects.count()
    response = record(client_for(world.a_secretary), a.cells[0], body=body.pk, post="secretary",
                      member=f"m{other_cell_member.pk}", selection="elected", valid_from="2025-10-01")
    assert response.status_code == 400
    assert "is not a member of" in response.content.decode()
    assert PostHolding.objects.count() == count


def test_end_a_holding(committee_world):
    world = committee_world
    holding = PostHolding.objects.get(member=world.a.members[1])
    client = client_for(world.a_secretary)
    url = reverse("cadres:end_holding", args=[holding.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"on": "2024-01-01", "reason": "resigned"}).status_code == 400  # before it began
    assert client.post(url, {"on": "nonsense", "reason": "term_ended"}).status_code == 400
    holding.refresh_from_db()
    assert holding.valid_to is None
    response = client.post(url, {"on": "2026-02-01", "reason": "resigned", "decision": "3-QĐ/TU"})
    assert response.status_code == 302
    holding.refresh_from_db()
    assert holding.valid_to == dt.date(2026, 2, 1) and holding.end_reason == "resigned"


def test_open_and_close_a_term(committee_world):
    world = committee_world
    grass = world.a.grassroots
    client = client_for(world.a_secretary)
    url = reverse("cadres:open_term", args=[grass.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"label": "2030-2025", "opened_by": "congress", "valid_from": "2025-10-01",
                            "seats_executive_committee": "0"})
    assert bad.status_code == 400 and not Term.objects.filter(organization=grass).exists()
    ok = client.post(url, {"label": "2025-2030", "opened_by": "congress", "valid_from": "2025-10-01",
                           "seats_executive_committee": "9", "seats_standing_committee": "3",
                           "seats_inspection_commission": "3", "decision": "1-NQ/ĐH"})
    assert ok.status_code == 302, ok.content.decode()
    term = Term.objects.get(organization=grass)
    assert set(term.bodies.values_list("kind", flat=True)) == {"executive_committee", "standing_committee",
                                                               "inspection_commission"}
    close = reverse("cadres:close_term", args=[grass.pk])
    assert client.get(close).status_code == 200
    assert client.post(close, {"on": "2026-01-01", "closed_by": "next_term"}).status_code == 302
    term.refresh_from_db()
    assert term.valid_to == dt.date(2026, 1, 1)


def test_appoint_a_committee_in_one_decision(committee_world):
    world = committee_world
    a = world.a
    grass = a.grassroots
    client = client_for(world.a_secretary)  # the province's secretary decides over its grassroots committee
    url = reverse("cadres:appoint", args=[grass.pk])
    assert client.get(url).status_code == 200
    data = {"label": "2025-2030", "valid_from": "2025-07-01", "decision": "99-QĐ/TU",
            "seats_executive_committee": "5", "seats_inspection_commission": "3",
            "holders-TOTAL_FORMS": "15", "holders-INITIAL_FORMS": "0", "holders-MIN_NUM_FORMS": "0",
            "holders-MAX_NUM_FORMS": "15",
            "holders-0-member": f"m{a.members[0].pk}", "holders-0-post": "secretary",
            "holders-1-member": f"m{a.members[1].pk}", "holders-1-post": "ic_chair"}
    # A row with a member and no post, and a member outside the scope: all said at once, nothing written.
    bad = dict(data, **{"holders-2-member": f"m{a.members[2].pk}", "holders-3-member": f"m{world.b.members[0].pk}",
                        "holders-3-post": "committee_member"})
    response = client.post(url, bad)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose the post of this member." in text and "No member with this party card number" in text
    assert not Term.objects.filter(organization=grass).exists()
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    term = Term.objects.get(organization=grass)
    assert term.opened_by == "appointment"
    assert PostHolding.objects.filter(body__term=term, selection="appointed").count() == 2


def test_the_appointing_forms_refusals_name_the_lines_the_page_numbers(committee_world):
    """The service numbers the filled rows; the page numbers them the same way, whatever rows were left empty, and
    a size above the ceiling names the regulation."""
    world = committee_world
    a = world.a
    url = reverse("cadres:appoint", args=[a.grassroots.pk])
    data = {"label": "2025-2030", "valid_from": "2025-07-01", "decision": "99-QĐ/TU",
            "seats_executive_committee": "5", "holders-TOTAL_FORMS": "15", "holders-INITIAL_FORMS": "0",
            "holders-0-member": f"m{a.members[0].pk}", "holders-0-post": "secretary",
            "holders-2-member": f"m{a.members[1].pk}", "holders-2-post": "standing_member"}
    response = client_for(world.a_secretary).post(url, data)
    assert response.status_code == 400
    text = response.content.decode()
    assert "Line 2: the term has no Standing committee" in text  # the service counts the filled rows
    assert "<tr><td>2</td>" in text and "<tr><td>3</td>" not in text  # the page's numbers: the same row
    too_big = client_for(world.a_secretary).post(url, dict(data, seats_executive_committee="99",
                                                           **{"holders-2-post": "committee_member"}))
    assert too_big.status_code == 400 and "45-CT/TW" in too_big.content.decode()
    assert not Term.objects.filter(organization=a.grassroots).exists()


# --- the worklist ------------------------------------------------------------------------------------------------


def _committees(parent, n: int, prefix: str) -> None:
    """``n`` grassroots committees under ``parent``, each with a term of three bodies nobody holds."""
    for i in range(n):
        org = establish_organization(SYSTEM, parent=parent, code=f"{parent.code}.{prefix}{i}",
                                     name=f"Đảng bộ {prefix} {i}", org_type="grassroots_committee",
                                     effective_on=dt.date(2020, 1, 1))
        factories.committee(org, seats={"executive_committee": 5, "inspection_commission": 3})


def _worklist_queries(client, **query) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("cadres:worklist"), query)
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


def test_the_worklist_takes_the_same_queries_for_2_and_20_rows(world):
    a = world.a
    _committees(a.org, 1, "W")
    client = client_for(world.a_secretary)
    few, text = _worklist_queries(client)
    assert text.count("Đảng bộ W 0") == 2  # its two bodies
    _committees(a.org, 9, "X")
    many, text = _worklist_queries(client)
    assert text.count("Đảng bộ X") == 18
    assert many == few
    few_ending, _text = _worklist_queries(client, list="ending", months="120")
    _committees(a.org, 10, "Y")
    many_ending, text = _worklist_queries(client, list="ending", months="120")
    assert text.count("Đảng bộ Y") == 10
    assert many_ending == few_ending


def test_the_worklist_pages_follow_the_tree_to_the_last_vacancy(world, monkeypatch):
    """Pages by cursor in the tree's order (VACANCY_ORDER): every vacant body once, none twice, in path order."""
    import re

    from cadres import views as cadre_views
    from cadres.models import Body

    monkeypatch.setattr(cadre_views, "WORKLIST_PAGE", 3)
    _committees(world.a.org, 4, "P")
    client = client_for(world.a_secretary)
    vacant = Body.objects.filter(vacant=True, ended_on__isnull=True, organization__path__startswith=world.a.org.path)
    wanted = list(vacant.order_by("organization__path", "id").values_list("id", flat=True))
    assert len(wanted) >= 8
    seen, query, pages = [], {}, 0
    while True:
        response = client.get(reverse("cadres:worklist"), query)
        assert response.status_code == 200
        text = response.content.decode()
        seen += [int(i) for i in re.findall(r'data-body="(\d+)"', text)]
        pages += 1
        found = re.search(r'href="\?[^"]*cursor=([^"&]+)[^"]*"[^>]*rel="next"', text) or re.search(
            r'rel="next"[^>]*href="\?[^"]*cursor=([^"&]+)', text)
        if not found or pages > 10:
            break
        query = {"cursor": html.unescape(found.group(1))}
    assert seen == wanted
    assert pages == -(-len(wanted) // 3)


def test_the_worklist_filters_and_stays_in_scope(committee_world):
    world = committee_world
    client = client_for(world.a_secretary)
    text = client.get(reverse("cadres:worklist")).content.decode()
    assert world.a.org.name in text and "Zetaprovince" not in text
    # Filter by organization (the picker: a code) and by body.
    text = client.get(reverse("cadres:worklist"), {"organization": world.a.org.code,
                                                  "kind": "inspection_commission"}).content.decode()
    assert "Inspection commission" in text
    response = client.get(reverse("cadres:worklist"), {"organization": world.b.org.code})
    assert response.status_code == 400 and "Zetaprovince" not in response.content.decode()
    response = client.get(reverse("cadres:worklist"), {"cursor": "garbage", "months": "-3"})
    assert response.status_code == 400


def test_the_dashboard_counts_vacancies(committee_world):
    world = committee_world
    text = client_for(world.a_secretary).get(reverse("dashboard")).content.decode()
    assert "Committee vacancies" in text


# --- the export --------------------------------------------------------------------------------------------------


def test_the_export_is_a_valid_workbook_and_is_audited(committee_world):
    import openpyxl

    world = committee_world
    client = client_for(world.a_secretary, "vi")
    before = AuditRecord.objects.filter(event=AuditRecord.Event.EXPORT).count()
    response = client.get(reverse("cadres:export", args=["xlsx"]),
                          {"organization": world.a.org.code, "on": "2025-12-31"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheet = book.active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert "Họ và tên" in rows[0] or any("tên" in str(c).lower() for c in rows[0])  # headers in the reader's language
    names = [row[5] for row in rows[1:]]
    # as written, and as the committee page lists them: the secretary before the committee member (not the posts'
    # codes in alphabetical order), the executive committee before the inspection commission
    assert names == ["Nguyễn Văn Đức", "Trần Thị Hoa", "Lê Minh An"]
    assert "Zetamember" not in str(rows)
    records = AuditRecord.objects.filter(event=AuditRecord.Event.EXPORT)
    assert records.count() == before + 1
    record = records.order_by("-id").first()
    assert record.changes["rows"] == 3 and record.changes["filters"]["organization"] == world.a.org.code
    assert record.org_path == world.a.org.path


def test_a_large_export_runs_as_a_job_for_its_author(committee_world, settings, tmp_path):
    import openpyxl

    from jobs.models import Job
    from jobs.services import run_job

    world = committee_world
    settings.PARTYWORK_EXPORT_INLINE_ROWS = 1
    settings.JOBS_INLINE = False
    settings.JOBS_DIR = tmp_path
    client = client_for(world.a_secretary)
    response = client.get(reverse("cadres:export", args=["xlsx"]), {"organization": world.a.org.code})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    job = run_job(Job.objects.get(kind="cadres.export"))
    assert job.state == "succeeded", job.message
    download = client.get(f"/jobs/{job.pk}/download/result/")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(download.streaming_content)), read_only=True).active
    assert {row[5] for row in sheet.iter_rows(min_row=2, values_only=True)} == {
        "Nguyễn Văn Đức", "Trần Thị Hoa", "Lê Minh An"}


def test_the_export_refuses_what_it_may_not_give(committee_world):
    world = committee_world
    client = client_for(world.a_secretary)
    before = AuditRecord.objects.filter(event=AuditRecord.Event.EXPORT).count()
    response = client.get(reverse("cadres:export", args=["xlsx"]), {"organization": world.b.org.code})
    assert response.status_code == 302  # back, with the message
    response = client.get(reverse("cadres:export", args=["xlsx"]), {"organization": world.a.org.code,
                                                                      "on": "99/99/9999"})
    assert response.status_code == 302
    viewer = factories.user_with_role("a_prov_viewer", "viewer", world.a.org)
    response = client_for(viewer).get(reverse("cadres:export", args=["xlsx"]), {"organization": world.a.org.code})
    assert response.status_code == 403
    assert AuditRecord.objects.filter(event=AuditRecord.Event.EXPORT).count() == before


def test_the_pages_are_valid_html(committee_world, tmp_path):
    """The W3C Nu checker reads every committee page and form, in Vietnamese and Arabic, forms with errors too."""
    from tests.test_a11y_html import run_vnu

    world = committee_world
    a = world.a
    holding = PostHolding.objects.get(member=a.members[1])
    files = []
    for language in ("vi", "ar"):
        client = client_for(world.a_secretary, language)
        pages = {
            "committee": committee_url(a.org), "committee-past": committee_url(a.org, on="2020-01-01"),
            "grassroots": committee_url(a.grassroots),
            "record": reverse("cadres:record_holding", args=[a.org.pk]),
            "open": reverse("cadres:open_term", args=[a.grassroots.pk]),
            "close": reverse("cadres:close_term", args=[a.org.pk]),
            "appoint": reverse("cadres:appoint", args=[a.grassroots.pk]),
            "end": reverse("cadres:end_holding", args=[holding.pk]),
            "worklist": reverse("cadres:worklist"), "ending": reverse("cadres:worklist") + "?list=ending",
            "org": reverse("orgs:detail", args=[a.org.pk]), "member": reverse("members:detail", args=[a.members[1].pk]),
        }
        for name, path in pages.items():
            response = client.get(path)
            assert response.status_code == 200, (name, response.status_code)
            files.append(tmp_path / f"{language}-{name}.html")
            files[-1].write_bytes(response.content)
        errors = {
            "record-errors": client.post(pages["record"], {"post": "secretary", "valid_from": "x"}),
            "appoint-errors": client.post(pages["appoint"], {"holders-TOTAL_FORMS": "15", "holders-INITIAL_FORMS": "0",
                                                             "holders-0-member": "nobody"}),
        }
        for name, response in errors.items():
            assert response.status_code == 400, name
            files.append(tmp_path / f"{language}-{name}.html")
            files[-1].write_bytes(response.content)
    found = run_vnu(files)
    assert not found, {name: [m.get("message") for m in messages][:5] for name, messages in found.items()}


# --- in a real browser -------------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_record_a_secretary_with_the_picker_in_the_browser(transactional_db, browser, live_server):
    """The committee page shows the executive committee without a secretary; the secretary is recorded through the
    vacancy's link with the member picker (typed without diacritics, chosen with the keyboard), and the vacancy is
    gone. axe-core finds no serious violation on the pages walked."""
    import os
    import re

    from playwright.sync_api import expect

    from tests.test_a11y_html import AXE, describe, run_axe
    from tests.test_browser import login

    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    world = factories.build_world()
    a = world.a
    factories.committee(a.org, holders=[(a.members[1], "committee_member")])
    secretary = a.members[0]  # Nguyễn Văn Đức
    context = browser.new_context(locale="vi-VN", bypass_csp=True)
    context.add_init_script(path=str(AXE))
    context.set_default_timeout(15_000)
    found = {}

    def check(name: str) -> None:
        violations = run_axe(page)
        if violations:
            found[name] = describe(violations)

    try:
        page = context.new_page()
        login(page, live_server, "a_secretary")
        page.goto(f"{live_server.url}{committee_url(a.org)}")
        missing = page.locator("[data-testid=head-missing-executive_committee]")
        expect(missing).to_be_visible()
        check("committee")
        page.locator("[data-testid=vacancies] a[href*='post=secretary']").click()
        expect(page.locator("select[name=post]")).to_have_value("secretary")
        check("record")
        combo = page.locator("input[name=member]")
        combo.focus()
        expect(combo).to_have_attribute("role", "combobox")
        page.keyboard.type("nguyen van duc")
        listbox = page.locator(f"#{combo.get_attribute('aria-controls')}")
        expect(listbox.get_by_role("option").first).to_contain_text("Nguyễn Văn Đức")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowUp")
        page.keyboard.press("Enter")
        # The box shows what a user could type for this member (card number or citizen ID), never the token.
        expect(combo).to_have_value(secretary.party_card_no or secretary.citizen_id)
        page.locator("input[name=valid_from]").fill("2025-10-01")
        page.locator("input[name=decision]").fill("1-NQ/ĐH")
        page.locator("form.form-grid button.button-primary").click()
        expect(page).to_have_url(re.compile(rf"/cadres/org/{a.org.pk}/$"))
        expect(page.locator("[data-testid=head-missing-executive_committee]")).to_have_count(0)
        expect(page.locator("tr[data-post=secretary]")).to_contain_text("Nguyễn Văn Đức")
        page.goto(f"{live_server.url}{reverse('cadres:worklist')}")
        check("worklist")
        page.goto(f"{live_server.url}{reverse('cadres:appoint', args=[a.grassroots.pk])}")
        check("appoint")
    finally:
        context.close()
    assert PostHolding.objects.filter(member=secretary, post="secretary", valid_to__isnull=True).exists()
    assert not found, "axe-core: serious violations:\n" + "\n".join(f"{k}:\n{v}" for k, v in found.items())
