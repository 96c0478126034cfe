"""Trigram index on organizations' search key, for search by any word (core.search); PostgreSQL only.

SQLite has no trigram index: its word search reads the organizations in scope. ``CREATE EXTENSION pg_trgm``
needs a role allowed to create it (a superuser, or the database owner on PostgreSQL 13+ since pg_trgm is trusted).
"""

from django.db import migrations

INDEXES = [("org_name_trgm_idx", "orgs_organization", "name_key")]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0003_rename_organization_permission"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
