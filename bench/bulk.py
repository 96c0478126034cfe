"""Bulk writing shared by the seeders (bench.seeding, bench.seed_cadres): COPY on PostgreSQL, executemany on SQLite."""

from __future__ import annotations

from typing import Any

from django.db import connections


class BulkWriter:
    """COPY on PostgreSQL, executemany on SQLite; the caller holds the transaction."""

    def __init__(self, using: str) -> None:
        self.conn = connections[using]
        self.conn.ensure_connection()
        self.raw = self.conn.connection
        self.vendor = self.conn.vendor

    def write(self, table: str, cols: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        collist = ", ".join(cols)
        if self.vendor == "postgresql":
            with self.raw.cursor() as cur, cur.copy(f"COPY {table} ({collist}) FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        else:
            marks = ", ".join("?" * len(cols))
            self.raw.executemany(f"INSERT INTO {table} ({collist}) VALUES ({marks})", rows)

    def execute(self, sql: str, params: tuple = ()) -> None:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)

    def scalar(self, sql: str, params: tuple = ()) -> Any:
        with self.conn.cursor() as cur:
            cur.execute(sql, params)
            row = cur.fetchone()
            return row[0] if row else None


def max_id(w: BulkWriter, table: str) -> int:
    return int(w.scalar(f"SELECT COALESCE(MAX(id), 0) FROM {table}") or 0)


def drop_foreign_keys(w: BulkWriter, tables: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """PostgreSQL checks a deferred foreign key row by row at COMMIT (one query each), which costs more than the
    COPY itself; like pg_restore, drop the loaded tables' foreign keys and add them back afterwards, which
    validates every reference in one set-based pass. SQLite's checks are cheap and stay on."""
    if w.vendor != "postgresql":
        return []
    with w.conn.cursor() as cur:
        cur.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid::regclass::text = ANY(%s)", [list(tables)]
        )
        found = [tuple(r) for r in cur.fetchall()]
        for table, name, _ in found:
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    return found


def restore_foreign_keys(w: BulkWriter, dropped: list[tuple[str, str, str]]) -> None:
    with w.conn.cursor() as cur:
        for table, name, definition in dropped:
            cur.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
