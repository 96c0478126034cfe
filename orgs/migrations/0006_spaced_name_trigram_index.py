"""Trigram index on ``' ' || name_key`` (core.search.SpacedKey): every word of a search one condition of one index
scan, the rare words read first (the old ``name_key`` index stays for the typo search). PostgreSQL only; on SQLite
the same conditions read the organizations in scope."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute('CREATE INDEX IF NOT EXISTS "org_spaced_name_trgm_idx" ON "orgs_organization" '
                          "USING gin ((' ' || name_key) gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute('DROP INDEX IF EXISTS "org_spaced_name_trgm_idx"')


class Migration(migrations.Migration):
    dependencies = [
        ("orgs", "0005_version_note"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
