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
from django.db.models import BooleanField, CharField, F, Func, Q, Value
from django.db.models.lookups import Contains

from core.text import search_key
from core.tree import STEP, prefix_q

TYPO_MIN_LETTERS = 4  # shorter words give too few trigrams to tell a typo from another word
MAX_WORDS = 8  # a longer query is cut: every word is one more condition on the same index
MAX_PHRASES = 8  # the corrected phrases shown first (tiers of a typo search)


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


# --- PostgreSQL: the member registry's word table (members/0011) -------------------------------------------------
# A query word is a *term*: the ranges of words (of the ``C`` collation) it stands for. Typed, it stands for the
# words it begins ("an": an, anh...); with a typo tolerated, also for the registry's words one typo away from it.
Term = list[tuple[str, str]]

WALK_COST = 1.5  # one entry of the name-order index read and checked (index only, the organization looked up)
# The estimate of how far a walk reads before it has a page assumes the words independent of the name order, and
# they are not (the middle name "thi" gathers in a sub-range of each family name): a walk often reads far more
# than estimated, up to the whole range it walks, which bounds it.
WALK_RISK = 10.0
DRIVE_COST = 1.0  # one entry of the word table read in the scope (an index range)
PROBE_COST = 5.0  # one probe of the word table for another word of the query (an index descent, cached pages)
FETCH_COST = 20.0  # one member row read from the table (a random page)
JOIN_COST = 2.0  # one entry of the word table read and hashed when the two rarest terms are joined by member
DRIVE_MEMO = 5000  # a word table read that finds at most this many members is read once per search
STATS_SECONDS = 300  # how long the word frequencies read from the planner's statistics are kept


def name_words_indexed() -> bool:
    """The member registry has its word table (``member_name_word``, kept by triggers): PostgreSQL only."""
    return connection.vendor == "postgresql"


def prefix_term(word: str) -> Term:
    """The words that begin with ``word`` (keys hold ``[0-9a-z]``, all below ``~``)."""
    return [(word, word + "~")]


def exact_term(word: str) -> Term:
    """``word`` itself (no key character sorts below ``0`` but the space, which a word never holds)."""
    return [(word, word + "!")]


class HasWord(Func):
    """The key has a word in ``term``: ``strpos(' ' || key, ' an') > 0`` for a prefix, ``strpos(' ' || key || ' ',
    ' anh ') > 0`` for a whole word. Same rows as :func:`word_q`; written so that the planner, which cannot
    estimate it, takes it for a common condition and reads the name-order index (``member_name_walk_idx``, index
    only) rather than every row and a sort."""

    output_field = BooleanField()

    def __init__(self, field: str, term: Term) -> None:
        super().__init__(F(field))
        self.term = list(term)

    glue = "' '"  # what the key is read after: a space, so its first word counts too

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201 - Django's signature
        key_sql, key_params = compiler.compile(self.source_expressions[0])
        parts, params = [], []
        for low, high in self.term:
            if high == low + "~":
                parts.append(f"strpos({self.glue} || {key_sql}, %s) > 0")
                params += [*key_params, f" {low}"]
            else:
                parts.append(f"strpos({self.glue} || {key_sql} || ' ', %s) > 0")
                params += [*key_params, f" {low} "]
        return f"({' OR '.join(parts)})", params


def _ranges_sql(alias: str, term: Term) -> tuple[str, list[str]]:
    sql = " OR ".join(f"({alias}.word >= %s AND {alias}.word < %s)" for _ in term)
    return f"({sql})", [bound for pair in term for bound in pair]


def first_word(term: Term) -> Term:
    """``term`` as the first word of a name, as the word table writes it (``'0' || word``, members/0011)."""
    return [("0" + low, "0" + high) for low, high in term]


def any_word(term: Term) -> Term:
    return [*term, *first_word(term)]


class HasFirstWord(Func):
    """The key's first word is in ``term``: for each of its ranges one range of the name-order index (``C``
    collation), so a branch is given one range (:func:`term_branches`)."""

    output_field = BooleanField()

    def __init__(self, field: str, term: Term) -> None:
        super().__init__(F(field))
        self.term = list(term)

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201 - Django's signature
        key_sql, key_params = compiler.compile(self.source_expressions[0])
        parts, params = [], []
        for low, high in self.term:  # a whole word "anh" is the range ["anh", "anh!"): "anh" and "anh ..."
            parts.append(f"({key_sql} >= %s AND {key_sql} < %s)")
            params += [*key_params, low, *key_params, high]
        return f"({' OR '.join(parts)})", params


class HasInnerWord(HasWord):
    """A word of the key after the first is in ``term`` (on ``'0' || key``, see :class:`FirstWordMarked`)."""

    glue = "'0'"


class WordTableDrive(Func):
    """The members of the scope's organizations with a word in every term (terms as the word table writes them),
    read from the word table starting from the first (rarest) term: ``id = ANY(ARRAY(SELECT member_id FROM
    member_name_word w WHERE organization_id = ANY(<the scope's organizations>) AND <first term> AND EXISTS(<each
    other term, same organization and member>)))``. The scope's organizations are one range of the path index; in
    each, a term is one short range of ``(organization_id, word, member_id)``; over the whole party (no paths) the
    first term is one range of ``(word, organization_id, member_id)``. Only the matching members are read."""

    output_field = BooleanField()

    def __init__(self, terms: list[Term], paths: list[str], join: bool = False) -> None:
        super().__init__(F("id"))
        self.terms, self.paths, self.join = [list(t) for t in terms], list(paths), join and not paths
        self.found: dict[str, list[int] | None] = {}  # shared by the copies the querysets of one search make

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201 - Django's signature
        """The ids are read once per search when they are few (``DRIVE_MEMO``) and then given as a list: the page
        and the question whether former members match (``members.filtersets``) read the same branch, and in a
        province the read is one index descent per organization (8k) before the first row."""
        pk_sql, pk_params = compiler.compile(self.source_expressions[0])
        if "ids" not in self.found:
            sql, params = self._ids_sql()
            with connection.cursor() as cursor:
                cursor.execute(f"{sql} LIMIT {DRIVE_MEMO + 1}", params)
                ids = [row[0] for row in cursor.fetchall()]
            self.found["ids"] = ids if len(ids) <= DRIVE_MEMO else None
        ids = self.found["ids"]
        if ids is not None:
            return f"{pk_sql} = ANY(%s)", [*pk_params, ids]
        sql, params = self._ids_sql()
        return f"{pk_sql} = ANY(ARRAY({sql}))", [*pk_params, *params]

    def _ids_sql(self) -> tuple[str, list]:
        if self.join and len(self.terms) > 1:
            return self._joined_ids_sql()
        first, *others = self.terms
        params: list = []
        where = []
        if self.paths:
            where.append("w.organization_id = ANY(ARRAY(SELECT o.id FROM orgs_organization o WHERE "
                         + " OR ".join(["o.path LIKE %s"] * len(self.paths)) + "))")
            params += [f"{path}%" for path in self.paths]
        probes, params_probes = self._probes_sql("w", others)
        where += probes
        params += params_probes
        # One index range per range of the first term (an OR of ranges would be read as a filter).
        selects, all_params = [], []
        for pair in first:
            ranges, range_params = _ranges_sql("w", [pair])
            selects.append(f"SELECT w.member_id FROM member_name_word w WHERE {' AND '.join([ranges, *where])}")
            all_params += [*range_params, *params]
        return " UNION ALL ".join(selects), all_params

    @staticmethod
    def _probes_sql(outer: str, terms: list[Term]) -> tuple[list[str], list]:
        where, params = [], []
        for i, term in enumerate(terms):
            alias = f"w{i}"
            condition, condition_params = _ranges_sql(alias, term)
            # OFFSET 0: a probe per row of the rarest term (an index lookup), never a join that reads every row
            # of the common term.
            where.append(f"EXISTS (SELECT 1 FROM member_name_word {alias} WHERE {alias}.organization_id = "
                         f"{outer}.organization_id AND {condition} AND {alias}.member_id = {outer}.member_id OFFSET 0)")
            params += condition_params
        return where, params

    def _joined_ids_sql(self) -> tuple[str, list]:
        """Over the whole party: the entries of the two rarest terms joined by member (each term read as one index
        range per range of its words, ``(word, organization_id, member_id)``, index only), the other terms probed
        on the few members both have. Probing the second term for each entry of the first costs an index descent
        per entry: 115k of them (5 us each) for the names with "hoang" after the first word, where reading both
        ranges whole is 440k entries in order."""
        first, second, *others = self.terms

        def entries(term: Term) -> tuple[str, list]:
            selects, params = [], []
            for low, high in term:
                # A range of few words read as one equality each: its entries come in (organization_id,
                # member_id) order, and two such reads are merged without a hash (the vocabulary is every word
                # ever written, a few hundred: one index range).
                words = _vocabulary_words(low, high)
                if words is None:
                    ranges, range_params = _ranges_sql("e", [(low, high)])
                    selects.append(f"SELECT e.organization_id, e.member_id FROM member_name_word e WHERE {ranges}")
                    params += range_params
                for word in words or []:
                    selects.append("SELECT e.organization_id, e.member_id FROM member_name_word e WHERE e.word = %s")
                    params.append(word)
            if not selects:  # no such word: nothing to find
                return "SELECT NULL::bigint AS organization_id, NULL::bigint AS member_id WHERE false", []
            return " UNION ALL ".join(selects), params

        a_sql, a_params = entries(first)
        b_sql, b_params = entries(second)
        probes, probe_params = self._probes_sql("x", others)
        # OFFSET 0: the join first, the probes on its few rows (else each probe is pushed onto the first term).
        # pg_trigger_depth() (parallel restricted): a merge in one process, not a hash split between workers that
        # the loaded machine makes wait (72 -> 102 ms).
        sql = (f"SELECT x.member_id FROM (SELECT a.organization_id, a.member_id FROM ({a_sql}) a JOIN ({b_sql}) b "
               f"ON b.organization_id = a.organization_id AND b.member_id = a.member_id "
               f"WHERE pg_trigger_depth() >= 0 OFFSET 0) x")
        if probes:
            sql += " WHERE " + " AND ".join(probes)
        return sql, [*a_params, *b_params, *probe_params]


VOCABULARY_SPLIT = 4  # a range of at most this many words is read as one equality each


def _vocabulary_words(low: str, high: str) -> list[str] | None:
    """The words of the word table in ``[low, high)`` (first-word marks kept) from ``member_name_vocab``, or
    ``None`` when they are more than :data:`VOCABULARY_SPLIT`."""
    mark = "0" if low.startswith("0") else ""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT word FROM member_name_vocab WHERE word >= %s AND word < %s "
                       f"ORDER BY word LIMIT {VOCABULARY_SPLIT + 1}", [low[len(mark):], high[len(mark):]])
        words = [mark + row[0] for row in cursor.fetchall()]
    return words if len(words) <= VOCABULARY_SPLIT else None


_stats: dict[str, object] = {}


def word_frequencies() -> tuple[dict[str, float], float, float]:
    """The share of members whose name has each common word (first words marked), the share for a word outside
    that list, and the number of members: from the planner's statistics of ``member_name_word`` (``ANALYZE``,
    autovacuum), read at most every few minutes. Empty before the first ``ANALYZE``."""
    import time

    now = time.monotonic()
    if _stats and now - float(_stats["at"]) < STATS_SECONDS:  # type: ignore[arg-type]
        return _stats["common"], _stats["rare"], _stats["members"]  # type: ignore[return-value]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_vals::text::text[], s.most_common_freqs, s.n_distinct, "
            "(SELECT reltuples FROM pg_class WHERE oid = 'member_name_word'::regclass), "
            "(SELECT reltuples FROM pg_class WHERE oid = 'members_member'::regclass) "
            "FROM pg_stats s WHERE s.tablename = 'member_name_word' AND s.attname = 'word'")
        row = cursor.fetchone()
    common: dict[str, float] = {}
    rare, members = 0.0, 0.0
    if row and row[0] and row[3] and row[4] and row[3] > 0 and row[4] > 0:
        words_per_member = row[3] / row[4]
        common = {w: f * words_per_member for w, f in zip(row[0], row[1])}
        distinct = row[2] if row[2] > 0 else -row[2] * row[3]
        rest = max(distinct - len(common), 1)
        rare = max(1.0 - sum(row[1]), 0.0) / rest * words_per_member
        members = float(row[4])
    _stats.update(at=now, common=common, rare=rare, members=members)
    return common, rare, members


def term_frequency(term: Term, common: dict[str, float], rare: float) -> float:
    """The share of members with a word in ``term`` (at most 1)."""
    total = 0.0
    for low, high in term:
        inside = [f for w, f in common.items() if low <= w < high]
        total += sum(inside) if inside else rare
    return min(total, 1.0)


def scope_share(paths: list[str] | None) -> float:
    """The share of the party's members in the organizations under ``paths`` (from the counters), 1 for the whole
    party (``None``, or a path at the top)."""
    from django.apps import apps

    if paths is None or any(len(p) <= STEP for p in paths):
        return 1.0
    organization = apps.get_model("orgs", "Organization")
    rows = list(organization.objects.filter(Q(path__in=paths) | Q(parent__isnull=True))
                .values_list("path", "subtree_official", "subtree_probationary"))
    top = sum(a + b for path, a, b in rows if len(path) <= STEP)
    inside = sum(a + b for path, a, b in rows if path in paths)
    return min(inside / top, 1.0) if top else 1.0


def _drive_or_walk(table_terms: list[Term], walk_cost: float, share: float,
                   stats: tuple) -> tuple[list[Term], bool] | None:
    """The terms to read the word table by (rarest first) and whether to join the two rarest by member (whole
    party only, see :meth:`WordTableDrive._joined_ids_sql`) when that costs less than the walk (``walk_cost``),
    else ``None``."""
    common, rare, members = stats
    if not members:  # no statistics yet: the word table, from the longest word
        return sorted(table_terms, key=lambda t: -len(t[0][0])), False
    freqs = [term_frequency(t, common, rare) for t in table_terms]
    order = sorted(range(len(table_terms)), key=lambda i: freqs[i])
    density = 1.0
    for f in freqs:
        density *= f
    in_scope = members * share
    fetch = density * in_scope * FETCH_COST
    drive = freqs[order[0]] * in_scope * (DRIVE_COST + PROBE_COST * (len(table_terms) - 1)) + fetch
    join = False
    if share >= 1.0 and len(table_terms) > 1:
        both = freqs[order[0]] * freqs[order[1]] * in_scope
        joined = ((freqs[order[0]] + freqs[order[1]]) * in_scope * JOIN_COST
                  + both * PROBE_COST * (len(table_terms) - 2) + fetch)
        if joined < drive:
            drive, join = joined, True
    return ([table_terms[i] for i in order], join) if drive < walk_cost else None


def term_branches(terms: list[Term], paths: list[str] | None, page: int = 51) -> list[Q]:
    """The matches of every term, split as :func:`word_branches` splits them: by the term the name begins with,
    and the names that begin with none of them. Each branch is read in name order and the pages merged
    (``core.pagination``); each is read either by walking its part of the name order or from the word table
    starting from its rarest term, whichever reads fewer entries by the planner's word statistics (PostgreSQL)."""
    if not terms:
        return []
    share = scope_share(paths)
    stats = word_frequencies()
    common, rare, members = stats
    drive_paths = [] if share >= 1.0 else list(paths or [])
    branches = []
    for i, whole in enumerate(terms):
        others = terms[:i] + terms[i + 1:]
        for pair in whole:  # one range of the name order per branch
            term = [pair]
            q = Q(HasFirstWord("name_key", term))
            for other in others:
                q &= Q(HasWord("name_key", other))
            walk = float("inf")
            if members:
                density = 1.0
                for other in others:
                    density *= term_frequency(any_word(other), common, rare)
                cluster = term_frequency(first_word(term), common, rare) * members
                walk = min(page / max(density * share, 1e-9) * WALK_RISK, cluster) * WALK_COST
            driven = _drive_or_walk([first_word(term), *[any_word(o) for o in others]], walk, share, stats)
            if driven is not None:
                q &= Q(WordTableDrive(driven[0], drive_paths, driven[1]))
            branches.append(q)
    inside = Q()
    for term in terms:
        inside &= Q(HasInnerWord("name_key", term))
    if members:
        density = 1.0
        for term in terms:
            density *= term_frequency(term, common, rare)
        walk = min(page / max(density * share, 1e-9) * WALK_RISK, members) * WALK_COST
    else:
        walk = float("inf")
    driven = _drive_or_walk(list(terms), walk, share, stats)
    if driven is not None:
        inside &= Q(WordTableDrive(driven[0], drive_paths, driven[1]))
    return [*branches, inside]


def terms_q(terms: list[Term]) -> Q:
    """Every term is a word of the member's name (the rows of :func:`term_branches` together)."""
    q = Q()
    for term in terms:
        q &= Q(HasWord("name_key", term))
    return q


def one_edit(a: str, b: str) -> bool:
    """``b`` is ``a`` with at most one letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1:] == b[i + 1:] or (a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1])
    return a[i + 1:] == b[i:] if len(a) > len(b) else a[i:] == b[i + 1:]


def typo_alternatives(words: list[str]) -> dict[str, list[str]]:
    """For each query word of four letters or more: the words of the registry's names one typo away from it
    (from ``member_name_vocab``, every word ever written: one short query). PostgreSQL only."""
    long_words = [w for w in words if len(w) >= TYPO_MIN_LETTERS]
    if not long_words or not name_words_indexed():
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT q, v.word FROM unnest(%s::text[]) AS q, member_name_vocab v "
            "WHERE length(v.word) BETWEEN length(q) - 1 AND length(q) + 1 AND similarity(v.word, q) >= 0.2",
            [long_words])
        rows = cursor.fetchall()
    found: dict[str, list[str]] = {}
    for query, word in rows:
        if word != query and one_edit(query, word):
            found.setdefault(query, []).append(word)
    return found


def typo_terms(words: list[str]) -> tuple[list[Term], list[tuple[Q, bool | list[Q]]]] | None:
    """The query's terms with a typo tolerated in each word of four letters or more (``ngyen`` also stands for
    ``nguyen``), and the tiers that show first the names beginning with the query as corrected ("nguyen van an"),
    one index range each, read as branches (``core.pagination``): each range walked in name order from the index
    alone, where their union was read as a bitmap of every row of every range, table pages included; ``None`` when
    no word has a neighbour (nothing more to try)."""
    alternatives = typo_alternatives(words)
    if not alternatives:
        return None
    terms = [prefix_term(w) + [pair for other in alternatives.get(w, []) for pair in exact_term(other)]
             for w in words]
    phrases = [""]
    for word in words:
        phrases = [f"{p} {w}".strip() for p in phrases for w in [word, *alternatives.get(word, [])]][:MAX_PHRASES]
    phrase = Q()
    for text in phrases:
        phrase |= prefix_q("name_key", text)
    return terms, [(phrase, [prefix_q("name_key", text) for text in phrases]), (~phrase, True)]


# --- PostgreSQL: organizations (orgs/0005) ----------------------------------------------------------------------
class SpacedKey(Func):
    """``' ' || key``: every word of the key, the first too, follows a space, so that "a word begins with w" is
    one ``LIKE '% w%'`` (``orgs/0005`` indexes it with pg_trgm). Every word of a query is then a condition of one
    trigram index scan, which reads the rare words' lists and skips through the common ones ("chi bo" is in
    every cell's name): as ``name_key LIKE 'w%' OR name_key LIKE '% w%'``, each word was a union of two scans
    read in full."""

    template = "(' ' || %(expressions)s)"
    output_field = CharField()


COMMON_ORG_WORD = 0.3  # a word in this share of the organizations is checked on the rows, not read from the index


class SpacedHasWord(Func):
    """``strpos(' ' || key, ' w') > 0``: the same rows as ``' ' || key LIKE '% w%'``, in a form the trigram index
    does not answer, so that a word of nearly every name ("chi bo") is checked on the rows the rare words found
    rather than read from the index: its posting lists hold every organization (36 ms of the 80 of "chi bo khoa
    noi" at scale 1.0)."""

    output_field = BooleanField()

    def __init__(self, field: str, word: str) -> None:
        super().__init__(F(field))
        self.word = word

    def as_sql(self, compiler, connection, **extra):  # noqa: ANN001, ANN201 - Django's signature
        key_sql, key_params = compiler.compile(self.source_expressions[0])
        return f"(strpos(' ' || {key_sql}, %s) > 0)", [*key_params, f" {self.word}"]


_org_stats: dict[str, object] = {}


def org_word_shares(words: list[str]) -> dict[str, float]:
    """The share of organizations whose name has a word beginning with each of ``words``, estimated from the
    planner's most common names of ``orgs_organization.name_key`` (a few thousand distinct names among hundreds of
    thousands of organizations: the common ones cover most of the registry), read at most every few minutes.
    Empty before the first ``ANALYZE``."""
    import time

    now = time.monotonic()
    if not _org_stats or now - float(_org_stats["at"]) >= STATS_SECONDS:  # type: ignore[arg-type]
        with connection.cursor() as cursor:
            cursor.execute("SELECT most_common_vals::text::text[], most_common_freqs FROM pg_stats "
                           "WHERE tablename = 'orgs_organization' AND attname = 'name_key'")
            row = cursor.fetchone()
        names = list(zip(row[0], row[1])) if row and row[0] else []
        _org_stats.update(at=now, names=names)
    names: list[tuple[str, float]] = _org_stats["names"]  # type: ignore[assignment]
    total = sum(f for _name, f in names)
    if not total:
        return {}
    return {word: sum(f for name, f in names if f" {word}" in f" {name}") / total for word in words}


def spaced_words_q(field: str, words: list[str]) -> Q:
    """:func:`words_q` in the form of :class:`SpacedKey` (same rows, on any database). On PostgreSQL the words of
    most names (by :func:`org_word_shares`) are checked on the rows (:class:`SpacedHasWord`), the rarest word always
    read from the trigram index."""
    shares = org_word_shares(words) if connection.vendor == "postgresql" and len(words) > 1 else {}
    rarest = min(words, key=lambda w: shares.get(w, 0.0)) if shares else None
    q = Q()
    for word in words:
        if shares and word != rarest and shares.get(word, 0.0) >= COMMON_ORG_WORD:
            q &= Q(SpacedHasWord(field, word))
        else:
            q &= Q(Contains(SpacedKey(F(field)), f" {word}"))
    return q
