"""Every API route answers the same with its documented format suffix (``/api/x/{id}/action.json``) as without.

Routes are discovered from the URL configuration (tests/routes.py), so a new viewset or action is covered the
day it is added. DRF hands the suffix to the handler as ``format=...``; a custom action that does not take it
answered 500 (28 actions did).
"""

from __future__ import annotations

import pytest
from django.db import transaction
from rest_framework.test import APIClient

from tests.routes import SAMPLE_KWARGS, routes

pytestmark = pytest.mark.django_db


def _any_pk(model) -> int | None:
    return model._base_manager.order_by("pk").values_list("pk", flat=True).first()


def _undone(client: APIClient, method: str, url: str):
    """The answer to one request whose writes are rolled back, so both variants meet the same state."""
    with transaction.atomic():
        response = getattr(client, method)(url, {}, format="json")
        transaction.set_rollback(True)
    return response


def test_every_api_route_answers_the_same_with_a_format_suffix(busy_world):
    client = APIClient()
    client.raise_request_exception = False  # a 500 is reported with the others, not raised
    client.force_authenticate(busy_world.admin)
    suffixed = [r for r in routes() if r.is_api and r.has_format_suffix]
    assert len(suffixed) >= 50, "the route walker found suspiciously few API routes"
    failures = []
    for route in suffixed:
        values: dict = {}
        for name in route.params:
            if name != "pk":
                assert name in SAMPLE_KWARGS, f"route {route.route}: add sample values for {name!r} to SAMPLE_KWARGS"
                values[name] = SAMPLE_KWARGS[name][0]
        if "pk" in route.params:
            values["pk"] = _any_pk(route.model())
            assert values["pk"] is not None, f"{route.route}: no {route.model().__name__} in the busy world"
        url = route.url(values)
        assert url.endswith(".json/"), url
        plain = url.removesuffix(".json/").rstrip("/") + "/"
        for method in route.methods():
            with_suffix = _undone(client, method, url)
            without = _undone(client, method, plain)
            if with_suffix.status_code >= 500 or with_suffix.status_code != without.status_code:
                failures.append(f"{method.upper()} {url}: {with_suffix.status_code}, "
                                f"without the suffix {without.status_code}")
            elif with_suffix.content and not with_suffix.get("Content-Type", "").startswith("application/json"):
                failures.append(f"{method.upper()} {url}: {with_suffix.get('Content-Type')}, not JSON")
    assert not failures, "\n".join(failures)
