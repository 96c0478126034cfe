"""The organization tree as a materialized path of fixed-width base-36 id segments.

A path such as ``00000100002s`` lists every ancestor's id, so a subtree is one index range
(``path LIKE '<prefix>%'``) on SQLite and PostgreSQL alike, and ancestors are known without a query.
"""

STEP = 6
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"
MAX_ID = 36**STEP - 1


def encode_segment(pk: int) -> str:
    if pk < 0 or pk > MAX_ID:
        raise ValueError("organization id out of range for the path encoding")
    digits = []
    n = pk
    for _ in range(STEP):
        n, r = divmod(n, 36)
        digits.append(_ALPHABET[r])
    return "".join(reversed(digits))


def child_path(parent_path: str, pk: int) -> str:
    return f"{parent_path or ''}{encode_segment(pk)}"


def ancestor_ids(path: str) -> list[int]:
    """Ids from the root down to the node itself."""
    return [int(path[i : i + STEP], 36) for i in range(0, len(path), STEP)]


def depth_of(path: str) -> int:
    return len(path) // STEP


def province_path(path: str | None) -> str | None:
    """The path of the province (the party committee directly under the Centre) that ``path`` lies in."""
    if not path:
        return None
    return path[: 2 * STEP]


def prefix_q(field: str, prefix: str):
    """``field`` starts with ``prefix``, in the form each database can answer from a btree index.

    PostgreSQL answers ``LIKE 'p%'`` from a ``varchar_pattern_ops`` index whatever the collation;
    SQLite's LIKE is case-insensitive and skips indexes, but a range on its binary collation is exact
    for our ASCII keys.
    """
    from django.db import connection
    from django.db.models import Q

    if connection.vendor == "postgresql":
        return Q(**{f"{field}__startswith": prefix})
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\x7f"})
