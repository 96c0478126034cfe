"""PostgreSQL: the citizen ID and party card number lose their ``varchar_pattern_ops`` ("_like") indexes.

Django adds such an index beside the unique index of every unique CharField, for ``LIKE`` lookups. Members
are found by these numbers with equality only, which the unique indexes answer; the pattern indexes only cost
every insert and update (at 5.6M members the citizen ID's is about 500 MB). The model keeps ``unique=True``, so
its state (and its uniqueness messages) do not change; a later AlterField of these columns would add the index
again, as Django does for any unique CharField.
"""

from django.db import migrations

COLUMNS = ("citizen_id", "party_card_no")
TABLE = "members_member"


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for column in COLUMNS:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = %s "
                           "AND indexdef LIKE %s", [TABLE, f"%({column} varchar_pattern_ops)"])
            for (name,) in cursor.fetchall():
                schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def add_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        name = schema_editor._create_index_name(TABLE, [column], suffix="_like")
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
                              f"ON {schema_editor.quote_name(TABLE)} ({schema_editor.quote_name(column)} "
                              f"varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("members", "0006_history_member_index_covered"),
    ]

    operations = [migrations.RunPython(drop_pattern_indexes, add_pattern_indexes)]
