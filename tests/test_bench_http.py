"""The HTTP bench (``manage.py bench --http``, issue 19) and the shared cache configuration (config/caches.py)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory

from bench.httpbench import _typo, percentile, search_terms
from bench.middleware import BenchMetricsMiddleware
from config.caches import CACHE_TABLE, CACHED_DB_SESSIONS, DB_SESSIONS, cache_settings

ROOT = Path(__file__).resolve().parent.parent

# --- Percentiles and the varied requests -------------------------------------------------------------------------


def test_percentiles_are_nearest_rank():
    samples = [float(x) for x in range(100, 0, -1)]  # 1..100, unsorted
    assert percentile(samples, 50) == 50
    assert percentile(samples, 95) == 95
    assert percentile(samples, 99) == 99
    twenty = [float(x) for x in range(1, 21)]
    assert percentile(twenty, 95) == 19  # ceil(0.95 * 20) = 19th smallest
    assert percentile(twenty, 99) == 20  # fewer than 100 samples: p99 is the largest
    assert percentile([7.0], 50) == percentile([7.0], 99) == 7


def test_search_terms_vary_in_words_and_carry_typos():
    names = ["Nguyễn Văn An", "Trần Thị Hoa", "Lê Minh Đức", "Phạm Thị Thu Hà", "Hoàng Văn Nam", "Đỗ Thị Lan"]
    terms = search_terms(names, random.Random(1), 12)
    for kind, values in terms.items():
        assert len(values) == len(set(values)), f"{kind}: a query repeated"
    assert all(len(t.split()) == 1 for t in terms["search, one word"])
    assert all(len(t.split()) == 2 for t in terms["search, two words"])
    assert all(len(t.split()) == 3 for t in terms["search, three words"])
    real_words = {w.lower() for n in names for w in n.split()} | {"nguyen", "van", "an", "tran", "thi", "hoa", "le",
                                                                 "minh", "duc", "pham", "thu", "ha", "hoang", "nam",
                                                                 "do", "lan"}
    assert any(w not in real_words for t in terms["search with a typo"] for w in t.split())
    assert any(t.isascii() for t in terms["search, three words"]) and not all(
        t.isascii() for t in terms["search, three words"])
    assert _typo("nguyen", random.Random(3)) != "nguyen"


# --- The metrics middleware and the bare view -----------------------------------------------------------------------


@pytest.mark.django_db
def test_metrics_middleware_counts_the_queries_of_the_request():
    def view(request):
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.execute("SELECT 2")
        return HttpResponse("ok")

    response = BenchMetricsMiddleware(view)(RequestFactory().get("/"))
    assert response["X-Bench-Queries"] == "2"
    assert float(response["X-Bench-CPU-Ms"]) >= 0 and float(response["X-Bench-DB-Ms"]) >= 0
    assert float(response["X-Bench-Wall-Ms"]) >= float(response["X-Bench-DB-Ms"])


def test_the_bench_is_off_in_normal_settings(client):
    assert settings.PARTYWORK_BENCH_HTTP is False
    assert "bench.middleware.BenchMetricsMiddleware" not in settings.MIDDLEWARE
    assert client.get("/bench/bare/").status_code == 404


# --- Caches shared by every web process ------------------------------------------------------------------------------


def test_redis_when_redis_url_is_set():
    caches, sessions = cache_settings({"REDIS_URL": "redis://127.0.0.1:6379/3"})
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    assert sessions == CACHED_DB_SESSIONS  # written through to the database: a Redis restart logs nobody out


def test_the_database_table_without_redis():
    caches, sessions = cache_settings({})
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    assert caches["default"]["LOCATION"] == CACHE_TABLE
    assert sessions == DB_SESSIONS


def test_process_memory_only_when_asked_and_bad_values_refused():
    caches, _ = cache_settings({"PARTYWORK_CACHE": "locmem", "REDIS_URL": "redis://x"})
    assert caches["default"]["BACKEND"].endswith("LocMemCache")
    assert cache_settings({"PARTYWORK_CACHE": "database", "REDIS_URL": "redis://x"})[0]["default"][
        "BACKEND"].endswith("DatabaseCache")
    with pytest.raises(ValueError):
        cache_settings({"PARTYWORK_CACHE": "memcached"})
    with pytest.raises(ValueError):
        cache_settings({"PARTYWORK_CACHE": "redis"})


def test_the_configured_cache_is_shared_not_per_process():
    """The settings in force (the environment's) never keep the cache in one process's memory."""
    assert not settings.CACHES["default"]["BACKEND"].endswith("LocMemCache")
    assert settings.SESSION_ENGINE in {DB_SESSIONS, CACHED_DB_SESSIONS}


@pytest.mark.django_db(transaction=True)
def test_a_value_cached_by_one_process_is_read_by_another():
    """What a web process caches, another (here a separate Python process) reads: the point of a shared cache."""
    if settings.CACHES["default"]["BACKEND"].endswith("DatabaseCache") and connection.vendor == "sqlite" and (
            settings.DATABASES["default"]["NAME"] in ("", ":memory:") or "mode=memory" in str(
            connection.settings_dict["NAME"])):
        pytest.skip("the test database lives in this process's memory; no other process can open it")
    cache.set("partywork:test:shared", "from the test process", 60)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    if connection.vendor == "postgresql":
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    else:
        env["SQLITE_PATH"] = str(connection.settings_dict["NAME"])
    code = ("import django; django.setup(); from django.core.cache import cache; "
            "print(cache.get('partywork:test:shared'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "from the test process", out.stderr[-1500:]


# --- The bench runs through a real server at a tiny scale ------------------------------------------------------------


def test_bench_http_runs_and_appends_a_section(tmp_path):
    """Seed a tiny party into a SQLite file, run ``bench --http`` through gunicorn, check the section it appends.
    No timing is asserted: only that every user's pages answered and the figures are written."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "PARTYWORK_CACHE"}}
    env.update({"SQLITE_PATH": str(tmp_path / "bench.sqlite3"), "DJANGO_SETTINGS_MODULE": "config.settings"})
    manage = [sys.executable, str(ROOT / "manage.py")]

    def run(*args: str, timeout: int = 600) -> str:
        done = subprocess.run([*manage, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run("migrate", "-v0")
    run("seed_party", "--scale", "0.0005", "--no-progress")
    out = tmp_path / "RESULTS.md"
    out.write_text("# Bench results\n")
    run("bench", "--http", "--requests", "2", "--pages", "1", "--workers", "2", "--clients", "2", "--seconds", "2",
        "--out", str(out), "--note", "test run")
    text = out.read_text()
    assert text.startswith("# Bench results\n")  # appended, not rewritten
    assert "HTTP bench (issue 19)" in text and "note: test run" in text
    for user in ("national administrator", "province secretary", "grassroots clerk", "cell secretary"):
        rows = [line for line in text.splitlines() if line.startswith(f"| {user} |")]
        pages = {line.split(" | ")[1] for line in rows}
        assert {"dashboard /", "member page", "organization page", "search, one word", "search with a typo",
                "API member list ?organization=", "bare authenticated view"} <= pages, pages
        for line in rows:
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert cells[7].split("-")[0].isdigit(), line  # a query count from the server's middleware
            if cells[1] not in {"API list /api/lifecycle/members/"}:
                assert cells[-1] == "200", line
    for what in ("bare authenticated view", "member list (by organization)", "member page",
                 "API member list ?organization=", "API member detail"):
        assert f"| {what} | " in text
