"""Schema fuzzer: every operation of ``/api/schema/``, as a national administrator and as a scoped user.

schemathesis generates requests from the published schema and sends them to the WSGI application in this process;
any 5xx, or any answer that does not match the schema it is documented with, fails. Path ids are real objects
half of the time (the administrator aims at province B, the secretary at its own province A), so the handlers and
serializers are reached, not only the 404. Each request runs in a savepoint that is rolled back, so every example
meets the same world. Examples per operation are bounded (``FUZZ_EXAMPLES``) to keep the suite fast.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.exceptions import FieldError
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import response_schema_conformance

from core.actions import acting
from core.scope import scope_sides
from tests.routes import model_of

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

FUZZ_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
CHECKS = [not_a_server_error, response_schema_conformance]


@contextlib.contextmanager
def _in_process_wsgi() -> Iterator[None]:
    """Serve requests inside the test's transaction: Django would otherwise close the connection after each one
    (the test client does the same)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _model_of(path: str):
    """The model behind an operation's path (``{id}`` filled in), through the URL configuration."""
    try:
        match = resolve(path.replace("{id}", "1").replace("{format}", ".json"))
    except Resolver404:
        return None
    return model_of(match.func)


def _real_id(model, user, world) -> int | None:
    """An id the handler will find: an object of province B for the administrator, of A for a scoped user."""
    if model is None:
        return None
    if user.is_superuser:
        province = world.b.org.path
    else:
        province = world.a.org.path
    qs = model._base_manager.order_by("-pk")
    try:
        qs = qs.filter(**{f"{scope_sides(model)[0]}__startswith": province})
    except (AttributeError, FieldError):  # a shared catalogue (roles): any of its rows
        pass
    return qs.values_list("pk", flat=True).first()


def fuzz(world, user) -> list[str]:
    """Run every operation; the distinct failures found, one line each with how to reproduce them."""
    cache.clear()  # throttle counters
    with acting(user, "tests.token", check_scope=False):
        token, _created = Token.objects.get_or_create(user=user)
    # identity: the in-process WSGI transport does not undo GZipMiddleware's compression, as an HTTP client would.
    headers = {"Authorization": f"Token {token.key}", "Accept-Encoding": "identity"}
    failures: dict[str, str] = {}
    with _in_process_wsgi():
        schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application(), headers=headers)
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 40, "the fuzzer found suspiciously few operations"
        for operation in operations:
            strategy = operation.as_strategy()
            real = _real_id(_model_of(operation.path), user, world) if "{id}" in operation.path else None
            if real is not None:
                strategy = st.one_of(strategy, operation.as_strategy(path_parameters={"id": real}))

            @settings(max_examples=FUZZ_EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
                      database=None, suppress_health_check=list(HealthCheck), derandomize=True)
            @given(case=strategy)
            def check(case) -> None:
                with transaction.atomic():
                    response = case.call(headers=headers)
                    transaction.set_rollback(True)
                try:
                    case.validate_response(response, checks=CHECKS)
                except FailureGroup as group:
                    for failure in group.exceptions:
                        first = failure.message.strip().splitlines()[0] if failure.message.strip() else ""
                        where = getattr(failure, "instance_path", None)
                        if where is not None:
                            first += f" at {'/'.join(map(str, where))}"
                        key = f"{case.method} {case.operation.path}: {failure.title}: {first}"
                        failures.setdefault(key, f"{key}\n    {case.as_curl_command(headers={})}\n"
                                                 f"    -> {response.status_code} {response.text[:300]}")

            check()
    return sorted(failures.values())


def test_fuzz_as_national_administrator(busy_world):
    failures = fuzz(busy_world, busy_world.admin)
    assert not failures, f"{len(failures)} distinct failures:\n" + "\n".join(failures)


def test_fuzz_as_province_secretary(busy_world):
    failures = fuzz(busy_world, busy_world.a_secretary)
    assert not failures, f"{len(failures)} distinct failures:\n" + "\n".join(failures)
