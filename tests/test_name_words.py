"""Search by words (issue 18): PostgreSQL's word table stays in step with the registry whatever writes it, and the
search gives the same members on both databases (each checked against the plain definition of a match)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction

from core.actions import SYSTEM
from core.search import one_edit, query_words
from core.text import search_key
from lifecycle import services as lifecycle
from members.models import Member
from members.services import update_member
from reorg import services as reorg
from tests import factories
from tests.test_exchange import row, run_import, write_csv

ON = dt.date(2026, 1, 10)
NAMES = ("Nguyễn Văn An", "Trần Văn Bình", "Lê Thị An", "Hoàng Văn Thanh", "Nguyễn Thị Lan", "Hoàng Minh Đức",
         "Đức Minh Hoàng", "Nguyễn Anh Văn", "Vân Thị Lành", "An An", "Nguyễn Văn Ánh")
QUERIES = ("van an", "an van", "an", "a", "van", "thi lan", "lan", "hoang minh duc", "duc minh hoang", "duc hoang",
           "nguyen v", "minh", "anh", "an an", "lanh thi", "van b", "zzz", "thanh van hoang", "ngu", "n")

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="the word table is PostgreSQL's")


def table_words() -> set[tuple[int, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT organization_id, word, member_id FROM member_name_word")
        rows = cursor.fetchall()
    assert len(rows) == len(set(rows)), "a word of a member written twice"
    return set(rows)


def registry_words() -> set[tuple[int, str, int]]:
    """Every distinct word of every member's key, the first one marked (``'0' || word``)."""
    return {(org, ("0" if i == 0 else "") + word, pk)
            for pk, org, key in Member.objects.values_list("pk", "organization_id", "name_key")
            for i, word in enumerate(key.split(" ")) if word}


def assert_in_step() -> None:
    assert table_words() == registry_words()


def matches(name: str, text: str) -> bool:
    """The definition: every word of the query begins a word of the name (no diacritics, any order)."""
    name_words = search_key(name).split()
    return all(any(w.startswith(q) for w in name_words) for q in query_words(text))


@pytest.fixture
def named(world):
    return [factories.member(world.a.cells[i % 2], name) for i, name in enumerate(NAMES)]


def test_search_finds_exactly_the_names_that_match_on_either_database(world, named):
    """The same members on SQLite (LIKE on the key) and PostgreSQL (the word table), both equal to the definition."""
    scope = Member.objects.within_path(world.a.org.path)
    everyone = list(scope)
    for text in QUERIES:
        expected = {m.pk for m in everyone if matches(m.full_name, text)}
        assert {m.pk for m in scope.search(text)} == expected, text
        # Province B's members never come in, whatever matches there.
        assert {m.pk for m in Member.objects.within_path(world.b.org.path).search(text)} <= {
            m.pk for m in world.b.members}


def test_keyset_pages_of_a_search_list_every_match_once_in_order(world, named):
    from core.pagination import keyset_page

    qs = Member.objects.within_path(world.a.org.path).search("an")
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, ["name_key", "id"], cursor, 2)
        seen += [m.pk for m in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    expected = [m.pk for m in Member.objects.within_path(world.a.org.path) if matches(m.full_name, "an")]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))


def test_one_typo_in_a_long_word(world, named):
    scope = Member.objects.within_path(world.a.org.path)
    if connection.vendor != "postgresql":
        assert not scope.search("nguyn van an").exists()
        return
    for typo in ("ngyen van an", "nguyn van an", "nugyen van an", "nguyen vann an", "an nguyem van"):
        found, fuzzy = scope.search_noting_typos(typo)
        assert fuzzy and "Nguyễn Văn An" in {m.full_name for m in found}, typo
        assert "Lê Thị An" not in {m.full_name for m in found}
    # Two typos in one word are not one typo.
    assert not scope.search("ngyyn van an").exists()
    found, fuzzy = scope.search_noting_typos("hoang minh duc")
    assert not fuzzy


def test_one_edit():
    assert one_edit("ngyen", "nguyen") and one_edit("nugyen", "nguyen") and one_edit("nguyem", "nguyen")
    assert one_edit("nguyenn", "nguyen") and not one_edit("ngyyn", "nguyen") and not one_edit("nguyen", "ngu")


@postgresql_only
def test_word_table_follows_register_correct_move_and_leave(world, named):
    assert_in_step()
    member = named[0]
    update_member(SYSTEM, member, expected_version=member.lock_version, full_name="Nguyễn Văn Bảo")
    assert_in_step()
    assert not Member.objects.filter(pk=member.pk).search("an").exists()
    assert Member.objects.filter(pk=member.pk).search("bao").exists()
    moving = named[1]
    letter = lifecycle.issue_transfer_letter(SYSTEM, moving, to_org=world.b.cells[0], number="9-GGT", issued_on=ON)
    lifecycle.confirm_receipt(SYSTEM, letter, received_on=ON)
    assert_in_step()
    # Now in province B: found there, no longer in A.
    assert Member.objects.within_path(world.b.org.path).search("tran binh").filter(pk=moving.pk).exists()
    assert not Member.objects.within_path(world.a.org.path).search("tran binh").exists()
    lifecycle.record_leaving(SYSTEM, named[2], kind="voluntary", on=ON, decision="4-QĐ")
    assert_in_step()


@postgresql_only
def test_word_table_follows_a_rolled_back_write(world, named):
    before = table_words()
    with pytest.raises(RuntimeError), transaction.atomic():
        factories.member(world.a.cells[0], "Phan Văn Hoàn Tác")
        raise RuntimeError
    assert table_words() == before


@postgresql_only
@pytest.mark.parametrize("copy", [True, False])
def test_word_table_follows_the_importer(world, tmp_path, monkeypatch, copy):
    from exchange import bulk

    monkeypatch.setattr(bulk, "use_copy", lambda: copy)
    cell = world.a.cells[0]
    rows = [row(cell.code, n, full_name=f"Quách Thị Nhập {n}") for n in range(5)]
    job = run_import(world, write_csv(tmp_path / "in.csv", rows))
    assert job.result["created"] == 5, job.message
    assert_in_step()
    assert Member.objects.within_path(world.a.org.path).search("nhap quach").count() == 5


@postgresql_only
def test_word_table_follows_reorganizations(world, named):
    c1, c2 = world.a.cells[0], world.a.cells[1]
    moved = set(Member.objects.filter(organization=c1).values_list("pk", flat=True))
    reorg.create_reorganization(SYSTEM, kind="merge", plan={"sources": [c1.pk], "target": c2.pk},
                                effective_on=dt.date(2025, 7, 1), decision="99-QĐ/TW",
                                decision_date=dt.date(2025, 7, 1), today=dt.date(2026, 1, 1))
    assert set(Member.objects.filter(organization=c2, pk__in=moved).values_list("pk", flat=True)) == moved
    assert_in_step()
    # Province A merged into B: a subtree moves by its organizations' paths; the words follow through them.
    reorg.create_reorganization(SYSTEM, kind="merge", plan={"sources": [world.a.org.pk], "target": world.b.org.pk},
                                effective_on=dt.date(2025, 8, 1), decision="100-QĐ/TW",
                                decision_date=dt.date(2025, 8, 1), today=dt.date(2026, 1, 1))
    assert_in_step()
    world.b.org.refresh_from_db()
    in_b = Member.objects.within_path(world.b.org.path)
    assert {m.full_name for m in in_b.search("hoang minh duc")} == {"Hoàng Minh Đức", "Đức Minh Hoàng"}


@postgresql_only
@pytest.mark.parametrize("split", [0, 4])
def test_word_table_join_of_the_two_rarest_terms_finds_what_the_probes_find(world, named, monkeypatch, split):
    """Over the whole party the two rarest terms may be joined by member (core.search WordTableDrive, join=True),
    each range read as its vocabulary words (split) or as a range (split 0): the same members as probing the
    second term for each entry of the first, and as the definition."""
    from core import search

    monkeypatch.setattr(search, "VOCABULARY_SPLIT", split)
    factories.member(world.a.cells[0], "Nguyễn Đức Minh Hoàng")
    factories.member(world.b.cells[0], "Lê Hoàng Minh Đức Anh")
    everyone = list(Member.objects.all())
    for text in QUERIES:
        terms = [search.prefix_term(w) for w in query_words(text)]
        if len(terms) < 2:
            continue
        for shaped in (terms, [search.any_word(t) for t in terms], [search.first_word(terms[0]),
                                                                   *[search.any_word(t) for t in terms[1:]]]):
            found = []
            for join in (True, False):
                sql, params = search.WordTableDrive(shaped, [], join)._ids_sql()
                with connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    found.append({row[0] for row in cursor.fetchall()})
            assert found[0] == found[1], (text, shaped)
        sql, params = search.WordTableDrive(terms, [], True)._ids_sql()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            found_inner = {row[0] for row in cursor.fetchall()}
        inner = {m.pk for m in everyone if matches(" ".join(search_key(m.full_name).split()[1:]), text)}
        assert found_inner == inner, text
        assert ("duc minh hoang" != text) or found_inner, "the four-word names have the three words inside"
