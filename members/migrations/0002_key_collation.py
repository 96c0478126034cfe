"""On PostgreSQL, the path and search-key columns use the "C" collation.

Keys and paths are plain ASCII; with "C" one btree index serves both ``LIKE 'prefix%'`` and
``ORDER BY``, so a name search in a scope walks the index from the prefix and stops after a page.
SQLite's default binary collation already behaves this way.
"""

from django.db import migrations

COLUMNS = [
    ("members_member", "name_key", 120),
    ("members_member", "given_key", 120),
    ("members_member", "org_path", 252),
    ("orgs_organization", "path", 252),
    ("orgs_organization", "name_key", 255),
    ("orgs_organizationversion", "path", 252),
    ("audit_auditrecord", "org_path", 255),
]


def to_c_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE "C"')


def to_default_collation(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, column, length in COLUMNS:
        schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE varchar({length}) COLLATE \"default\"")


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("orgs", "0001_initial"),
        ("audit", "0001_initial"),
    ]

    operations = [migrations.RunPython(to_c_collation, to_default_collation)]
