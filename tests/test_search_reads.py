"""How a search reads (core.search, core.pagination) may change with the statistics; what it finds may not: the
organizations' common words checked on the rows, a typo search's phrases read as branches, a word table read
given once as a list, all give the rows of the plain definition of a match."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import RequestFactory

from core import search
from core.actions import SYSTEM
from core.pagination import keyset_page
from core.text import search_key
from lifecycle import services as lifecycle
from members.filtersets import MemberFilterSet
from members.models import Member
from orgs.filtersets import OrganizationFilterSet
from orgs.models import Organization
from orgs.services import establish_organization
from tests import factories

ORG_NAMES = ("Chi bộ Khoa Nội", "Chi bộ Khoa Ngoại", "Chi bộ Nội vụ", "Đảng bộ Khoa học", "Chi bộ Đội sản xuất số 3",
             "Tổ Nội vụ Kobo")  # "bo" inside a word: not a match of "noi bo"
ORG_QUERIES = ("chi bo khoa noi", "chi bo noi", "khoa", "bo khoa", "doi san xuat", "chi bo", "noi chi", "noi bo", "zzz")


def org_matches(name: str, text: str) -> bool:
    words = search_key(name).split()
    return all(any(w.startswith(q) for w in words) for q in search.query_words(text))


@pytest.mark.parametrize("common", [False, True])
def test_organization_words_common_or_not_find_the_same(world, monkeypatch, common):
    """With every word taken for a word of most names (checked on the rows, the rarest from the index) or none."""
    for i, name in enumerate(ORG_NAMES):
        establish_organization(SYSTEM, parent=world.a.grassroots, code=f"T22.G1.K{i}", name=name, org_type="cell",
                               effective_on=dt.date(2020, 1, 1))
    if common:
        monkeypatch.setattr(search, "org_word_shares", lambda words: {w: 1.0 - len(w) / 100 for w in words})
    request = RequestFactory().get("/orgs/")
    request.user = world.admin
    everyone = list(Organization.objects.all())
    for text in ORG_QUERIES:
        found = OrganizationFilterSet({"q": text}, queryset=Organization.objects.all(), request=request).qs
        expected = {o.pk for o in everyone if org_matches(o.name, text)}
        assert {o.pk for o in found} == expected, text


def test_shares_of_words_from_common_names(monkeypatch):
    search._org_stats.update(at=float("inf"), names=[("chi bo khoa noi", 0.3), ("dang bo xa a", 0.1)])
    try:
        shares = search.org_word_shares(["bo", "khoa", "xa", "zz"])
    finally:
        search._org_stats.clear()
    assert shares == pytest.approx({"bo": 1.0, "khoa": 0.75, "xa": 0.25, "zz": 0.0})


@pytest.fixture
def nguyens(world):
    names = ["Nguyễn Văn An", "Nguyễn Văn Anh", "Nguyễn Văn Ân", "Nguyên Văn An", "Lê Nguyễn Văn An",
             "Nguyễn An Văn", "Trần Văn An", "Nguyễn Vân An"]
    return [factories.member(world.a.cells[i % 2], name) for i, name in enumerate(names)]


def test_typo_search_pages_list_every_match_once_in_order(world, nguyens):
    """The corrected phrases' tier is read in branches: pages of one row still list each match once, the names
    beginning with a corrected phrase first, each part in name order."""
    qs, fuzzy = Member.objects.within_path(world.a.org.path).search_noting_typos("ngyen van an")
    everyone = list(qs)
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, ["name_key", "id"], cursor, 1)
        seen += page.items
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len({m.pk for m in seen}) and {m.pk for m in seen} == {m.pk for m in everyone}
    if not fuzzy:  # SQLite: no typo tolerance
        return
    names = {m.full_name for m in seen}
    assert {"Nguyễn Văn An", "Nguyễn Văn Anh", "Nguyễn Văn Ân", "Lê Nguyễn Văn An"} <= names
    phrase = [m for m in seen if m.name_key.startswith(("nguyen van an", "ngyen van an"))]
    assert seen[:len(phrase)] == phrase
    assert phrase == sorted(phrase, key=lambda m: (m.name_key, m.pk))
    rest = seen[len(phrase):]
    assert rest == sorted(rest, key=lambda m: (m.name_key, m.pk))


def test_page_and_former_members_of_one_search(world, nguyens):
    """The page and the question whether former members match read the same branches (a word table read given
    once as a list on PostgreSQL): each gets its own members."""
    leaver = nguyens[4]  # Lê Nguyễn Văn An: no query word first
    lifecycle.record_leaving(SYSTEM, leaver, kind="death", on=dt.date(2026, 1, 10), decision="1-QĐ")
    request = RequestFactory().get("/members/")
    request.user = world.admin
    for text, former in (("van an", True), ("an van", True), ("nguyen an", True), ("tran an", False)):
        filterset = MemberFilterSet({"q": text}, queryset=Member.objects.within_path(world.a.org.path),
                                    request=request)
        items = keyset_page(filterset.qs, ["name_key", "id"], None, 50).items
        assert leaver.pk not in {m.pk for m in items}
        assert filterset.former_matches() is former, text
        expected = {m.pk for m in Member.objects.within_path(world.a.org.path).active()
                    if org_matches(m.full_name, text)}
        assert {m.pk for m in items} == expected, text
