"""The bare authenticated view the HTTP bench compares throughput against (mounted only with PARTYWORK_BENCH_HTTP)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def bare(request: HttpRequest) -> HttpResponse:
    """The session and the user looked up by the middleware, nothing else: the floor of an authenticated page."""
    return HttpResponse(b"ok", content_type="text/plain")
