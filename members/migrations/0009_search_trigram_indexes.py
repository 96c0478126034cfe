"""Trigram indexes for search by any word of a name and by part of an ID (core.search); PostgreSQL only.

SQLite has no trigram index: its word search reads the members in scope, and it has no typo tolerance.
The name is indexed as ``'0' || name_key`` (core.search.FirstWordMarked): words inside the name, not the family
name at its start, which the name-order index already serves.
"""

from django.db import migrations

INDEXES = [
    ("member_name_trgm_idx", "members_member", "('0' || name_key)"),
    ("member_cid_trgm_idx", "members_member", "citizen_id"),
    ("member_card_trgm_idx", "members_member", "party_card_no"),
]


def _sql(column: str) -> str:
    return column if column.startswith("(") else f'"{column}"'


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ({_sql(column)} gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_correct_member_permission"),
        ("orgs", "0004_name_trigram_index"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
