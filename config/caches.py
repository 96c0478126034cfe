"""Where the caches and sessions live, from the environment: shared between all web processes, never per process.

Why: the web tier runs as several processes (gunicorn workers) or hosts. A per-process cache (``LocMemCache``)
computes the daily chart figures once per process, counts the API throttle per process (so N processes allow N
times the rate) and forgets everything on a restart. So:

- ``REDIS_URL`` set (``redis://127.0.0.1:6379/0``): the cache in Redis (Django's own ``RedisCache``); sessions
  ``cached_db`` (read from Redis, written through to the database, so a Redis restart logs nobody out).
- otherwise: the cache in the database table ``partywork_cache`` (created by ``migrate``, see core/apps.py);
  sessions in the database. Shared and correct, with a query per cache read: fine for development, CI and small
  installations; production should set ``REDIS_URL``.
- ``PARTYWORK_CACHE=locmem``: the per-process cache, only for a single process (never several workers).

The login lockout (django-axes) keeps its failures in the database in every case.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CACHE_TABLE = "partywork_cache"
DB_SESSIONS = "django.contrib.sessions.backends.db"
CACHED_DB_SESSIONS = "django.contrib.sessions.backends.cached_db"


def cache_settings(environ: Mapping[str, str]) -> tuple[dict[str, Any], str]:
    """``(CACHES, SESSION_ENGINE)`` for the environment ``environ``."""
    redis_url = environ.get("REDIS_URL", "").strip()
    kind = environ.get("PARTYWORK_CACHE", "").strip().lower() or ("redis" if redis_url else "database")
    if kind == "redis":
        if not redis_url:
            raise ValueError("PARTYWORK_CACHE=redis needs REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
        return ({"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url,
                             "KEY_PREFIX": environ.get("CACHE_KEY_PREFIX", "partywork"),
                             "TIMEOUT": 300}},
                CACHED_DB_SESSIONS)
    if kind == "database":
        return ({"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE,
                             "TIMEOUT": 300, "OPTIONS": {"MAX_ENTRIES": 100_000}}},
                DB_SESSIONS)
    if kind == "locmem":
        return {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}, DB_SESSIONS
    raise ValueError(f"PARTYWORK_CACHE must be redis, database or locmem, not {kind!r}")
