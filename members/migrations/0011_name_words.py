"""The words of members' names, by organization (core.search), kept by the database itself; PostgreSQL only.

``member_name_word`` holds one row per distinct word of a member's ``name_key``, with the member's organization;
the first word (the family name) is written ``'0' || word``, so that "nguyen" inside a name, which is rare, is
not drowned in the family name that a third of the registry begins with (as ``core.search.FirstWordMarked``);
its index ``(organization_id, word, member_id)`` answers "the members of these organizations with a word that
begins with ``an``" as one short index range per organization. A search in a province reads only that
province's rows of the query's rarest word instead of every member of the province (``core.search``).

The table is written only by statement-level triggers on ``members_member`` (insert, update of the name or the
organization, delete, truncate), so every writer keeps it in step in its own transaction whatever its path: the
actions' ``save()``, the importer's and the seed's ``COPY``, the reorganization's bulk ``UPDATE``. A
reorganization that moves a subtree rewrites organization rows only, and the words follow, keyed by
organization id. ``member_name_vocab`` lists every word ever seen (insert only), for the typo search.

``member_name_walk_idx`` is the name order with the status and organization: a search that walks the name order
(a common word in the whole party) checks them without reading the table.

SQLite has neither table: its search reads the members in scope (``core.search``), with the same results.
"""

from django.db import migrations

CREATE = r"""
CREATE TABLE IF NOT EXISTS member_name_word (
    organization_id bigint NOT NULL,
    word varchar(120) COLLATE "C" NOT NULL,
    member_id bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS member_name_vocab (word varchar(120) COLLATE "C" PRIMARY KEY);

CREATE OR REPLACE FUNCTION member_name_words_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO member_name_word (organization_id, word, member_id)
    SELECT DISTINCT n.organization_id, CASE WHEN w.i = 1 THEN '0' || w.word ELSE w.word END, n.id
    FROM new_rows n, unnest(string_to_array(n.name_key, ' ')) WITH ORDINALITY AS w(word, i) WHERE w.word <> '';
    INSERT INTO member_name_vocab (word)
    SELECT DISTINCT w.word FROM new_rows n, unnest(string_to_array(n.name_key, ' ')) AS w(word)
    WHERE w.word <> '' ORDER BY 1 ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION member_name_words_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- One statement: the delete and the insert see the same snapshot, and touch different rows.
    WITH changed AS (
        SELECT n.id, n.organization_id, n.name_key, o.organization_id AS old_organization_id
        FROM new_rows n JOIN old_rows o ON o.id = n.id
        WHERE n.name_key IS DISTINCT FROM o.name_key OR n.organization_id IS DISTINCT FROM o.organization_id
    ), gone AS (
        DELETE FROM member_name_word w USING changed c
        WHERE w.organization_id = c.old_organization_id AND w.member_id = c.id
    )
    INSERT INTO member_name_word (organization_id, word, member_id)
    SELECT DISTINCT c.organization_id, CASE WHEN w.i = 1 THEN '0' || w.word ELSE w.word END, c.id
    FROM changed c, unnest(string_to_array(c.name_key, ' ')) WITH ORDINALITY AS w(word, i) WHERE w.word <> '';
    INSERT INTO member_name_vocab (word)
    SELECT DISTINCT w.word FROM new_rows n JOIN old_rows o ON o.id = n.id,
        unnest(string_to_array(n.name_key, ' ')) AS w(word)
    WHERE n.name_key IS DISTINCT FROM o.name_key AND w.word <> '' ORDER BY 1 ON CONFLICT DO NOTHING;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION member_name_words_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM member_name_word w USING old_rows o
    WHERE w.organization_id = o.organization_id AND w.member_id = o.id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION member_name_words_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE member_name_word;
    RETURN NULL;
END $$;

DROP TRIGGER IF EXISTS member_name_words_insert ON members_member;
DROP TRIGGER IF EXISTS member_name_words_update ON members_member;
DROP TRIGGER IF EXISTS member_name_words_delete ON members_member;
DROP TRIGGER IF EXISTS member_name_words_truncate ON members_member;
CREATE TRIGGER member_name_words_insert AFTER INSERT ON members_member REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_name_words_insert();
CREATE TRIGGER member_name_words_update AFTER UPDATE ON members_member
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION member_name_words_update();
CREATE TRIGGER member_name_words_delete AFTER DELETE ON members_member REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION member_name_words_delete();
CREATE TRIGGER member_name_words_truncate AFTER TRUNCATE ON members_member
    FOR EACH STATEMENT EXECUTE FUNCTION member_name_words_truncate();

-- The words of the members already registered, then the index (faster built once than kept row by row).
TRUNCATE member_name_word;
INSERT INTO member_name_word (organization_id, word, member_id)
SELECT DISTINCT m.organization_id, CASE WHEN w.i = 1 THEN '0' || w.word ELSE w.word END, m.id
FROM members_member m, unnest(string_to_array(m.name_key, ' ')) WITH ORDINALITY AS w(word, i) WHERE w.word <> '';
INSERT INTO member_name_vocab (word) SELECT DISTINCT ltrim(word, '0') FROM member_name_word ON CONFLICT DO NOTHING;
CREATE INDEX IF NOT EXISTS member_name_word_idx ON member_name_word (organization_id, word, member_id);
-- The same by word first, for a search over the whole party.
CREATE INDEX IF NOT EXISTS member_name_word_word_idx ON member_name_word (word, organization_id, member_id);
-- The name order with what a search checks on the way (status, organization): walked index only.
CREATE INDEX IF NOT EXISTS member_name_walk_idx ON members_member (name_key, id) INCLUDE (status, organization_id);
ALTER TABLE member_name_word ALTER COLUMN word SET STATISTICS 1000;
ANALYZE member_name_word;
ANALYZE member_name_vocab;
"""

DROP = """
DROP TRIGGER IF EXISTS member_name_words_insert ON members_member;
DROP TRIGGER IF EXISTS member_name_words_update ON members_member;
DROP TRIGGER IF EXISTS member_name_words_delete ON members_member;
DROP TRIGGER IF EXISTS member_name_words_truncate ON members_member;
DROP FUNCTION IF EXISTS member_name_words_insert();
DROP FUNCTION IF EXISTS member_name_words_update();
DROP FUNCTION IF EXISTS member_name_words_delete();
DROP FUNCTION IF EXISTS member_name_words_truncate();
DROP TABLE IF EXISTS member_name_word;
DROP TABLE IF EXISTS member_name_vocab;
DROP INDEX IF EXISTS member_name_walk_idx;
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0010_history_note_text"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
