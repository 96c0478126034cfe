"""Search by the words of a name, built once for members, organizations and pickers.

A query matches a name when EVERY word of the query begins a word of the name, in any order and without
diacritics (both sides go through ``core.text.search_key``): ``van an`` finds ``Nguyễn Văn An``, ``an`` finds
``Lê Minh An`` and ``Phạm Đức Anh``, ``doi san xuat`` finds ``Chi bộ Đội sản xuất số 3``. A word matches at the
start of a word, not anywhere inside one: ``an`` inside ``Thanh`` or ``Hoàng`` is not what a clerk means.

On PostgreSQL the key columns carry a trigram GIN index (``pg_trgm``, migrations ``members/0009`` and
``orgs/0004``); ``key LIKE 'w%' OR key LIKE '% w%'`` is answered from it (pg_trgm pads the word start, so even a
two-letter word gives usable trigrams). When the exact words find nothing, :func:`fuzzy_words_q` tolerates a typo
in the words of four letters or more (``word_similarity``, the ``%>`` operator, same index). SQLite has neither:
the same ``LIKE`` conditions are read by a scan of the rows in scope, and there is no typo tolerance.
"""

from __future__ import annotations

from django.db import connection
from django.db.models import CharField, F, Func, Q, Value
from django.db.models.lookups import Contains

from core.text import search_key
from core.tree import prefix_q

TYPO_MIN_LETTERS = 4  # shorter words give too few trigrams to tell a typo from another word
MAX_WORDS = 8  # a longer query is cut: every word is one more condition on the same index


def query_words(text: str) -> list[str]:
    """The distinct words of ``text`` as search keys (lower-case ASCII, no diacritics), in order."""
    words: list[str] = []
    for word in search_key(text or "").split(" "):
        if word and word not in words:
            words.append(word)
    return words[:MAX_WORDS]


def word_q(field: str, word: str) -> Q:
    """``field`` has a word that begins with ``word`` (keys are single-spaced, so a word follows a space)."""
    return Q(**{f"{field}__startswith": word}) | Q(**{f"{field}__contains": f" {word}"})


def words_q(field: str, words: list[str]) -> Q:
    """Every word of the query begins some word of ``field``, in any order."""
    q = Q()
    for word in words:
        q &= word_q(field, word)
    return q


def word_branches(field: str, words: list[str]) -> list[Q]:
    """The matches of :func:`words_q`, split by the query word the name begins with, plus those that begin with
    none of them: each branch is read in name order from its own index and the pages merged
    (``core.pagination.keyset_page``; the branches may overlap, the merge drops repeats).

    Why: a name's first word is the family name, and the common ones cluster in the name order: "nguyen van" has
    thousands of matches that all lie in the index range of "nguyen". Read as one condition, the database walks
    the name index from "a" and filters a third of the registry before reaching them; the branch that starts with
    "nguyen" is one index range (the ``C`` collation serves ``LIKE 'nguyen%'``).
    """
    if not words:
        return []
    branches = []
    for i, word in enumerate(words):
        branch = prefix_q(field, word)
        for other in words[:i] + words[i + 1:]:
            branch &= word_q(field, other)
        branches.append(branch)
    # Every word inside the name, not at its start: on the key with its first word marked (see FirstWordMarked).
    marked = FirstWordMarked(F(field))
    inside = Q()
    for word in words:
        inside &= Q(Contains(marked, f" {word}"))
    return [*branches, inside]


def word_tiers(field: str, words: list[str]) -> list[tuple[Q, bool]]:
    """The matches in two parts shown one after the other: the names that begin with the query as typed
    ("nguyen van" -> "Nguyễn Văn ..."), then the others. The first part is one index range, and a page it fills
    needs nothing from the second, which is where the family name's cluster makes reading slow."""
    phrase = prefix_q(field, " ".join(words))
    return [(phrase, False), (~phrase, True)]


class FirstWordMarked(Func):
    """``'0' || key``: the key with its first word glued to a digit, so that the word no longer begins there.

    pg_trgm pads the start of every word alike, so a trigram index on ``name_key`` cannot tell "nguyen" in the
    middle of a name from the family name "nguyen" that a third of the registry begins with; on this expression it
    can (``members/0009`` indexes it). Keys hold only ``[0-9a-z ]``, and names no digits.
    """

    template = "('0' || %(expressions)s)"
    output_field = CharField()


def typo_tolerant() -> bool:
    """Only PostgreSQL (with pg_trgm) can tolerate typos from an index."""
    return connection.vendor == "postgresql"


def fuzzy_words_q(field: str, words: list[str], *, marked: bool = False) -> Q | None:
    """Like :func:`words_q`, but a word of four letters or more may also be one typo away (PostgreSQL only).

    ``None`` when no word is long enough to be judged, or the database cannot do it: nothing more to try.
    The short words must still begin a word of the name; the long ones are judged together, as the phrase of the
    query (``field %> 'ngyen van an'``: ``word_similarity`` >= ``pg_trgm.word_similarity_threshold``, answered
    from the trigram index). One typo changes up to three of a word's trigrams, which in a single five-letter word
    is more than the default threshold of 0.6 allows; the words around it make up for it (``ngyen van an`` is
    0.67 like ``nguyen van an``). A query of one long word with a typo and nothing else is not found.
    ``marked``: judge :class:`FirstWordMarked` (the expression the member registry's trigram index holds).
    """
    long_words = [w for w in words if len(w) >= TYPO_MIN_LETTERS]
    if not typo_tolerant() or not long_words:
        return None
    from django.contrib.postgres.lookups import TrigramWordSimilar

    q = Q(TrigramWordSimilar(FirstWordMarked(F(field)) if marked else F(field), Value(" ".join(words))))
    for word in words:
        if len(word) < TYPO_MIN_LETTERS:
            q &= word_q(field, word)
    return q


def digits_query(text: str) -> str | None:
    """The query when it is a number (spaces and dots allowed, as IDs are written), else ``None``."""
    compact = "".join(ch for ch in (text or "") if ch not in " .-")
    return compact if compact.isdigit() else None
