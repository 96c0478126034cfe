"""What one request cost the server, in response headers, for the HTTP bench only (``PARTYWORK_BENCH_HTTP``).

Why: the bench of record measures through a real server, where ``connection.queries`` is empty (``DEBUG`` off).
This middleware, outermost in the stack and installed only when the setting is on, counts the queries with
``connection.execute_wrapper`` and reads the worker's CPU time around the whole request, so every figure of
``manage.py bench --http`` has its query count and CPU beside it. Production never loads it.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connections


class BenchMetricsMiddleware:
    """Adds ``X-Bench-Queries``, ``X-Bench-DB-Ms``, ``X-Bench-CPU-Ms`` and ``X-Bench-Wall-Ms`` to every response."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        counted = {"n": 0, "db": 0.0}

        def wrapper(execute, sql, params, many, context):
            t = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                counted["n"] += 1
                counted["db"] += time.perf_counter() - t

        wall, cpu = time.perf_counter(), time.process_time()
        wrapped = [conn.execute_wrapper(wrapper) for conn in connections.all()]
        for context in wrapped:
            context.__enter__()
        try:
            response = self.get_response(request)
        finally:
            for context in reversed(wrapped):
                context.__exit__(None, None, None)
        response["X-Bench-Queries"] = str(counted["n"])
        response["X-Bench-DB-Ms"] = f"{counted['db'] * 1000:.2f}"
        response["X-Bench-CPU-Ms"] = f"{(time.process_time() - cpu) * 1000:.2f}"
        response["X-Bench-Wall-Ms"] = f"{(time.perf_counter() - wall) * 1000:.2f}"
        return response
