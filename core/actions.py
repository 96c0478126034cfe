"""Every write is an *action*: it names its actor, runs in one transaction and is audited there.

Service functions are decorated with :func:`action`. Audited models refuse to be written outside an
action, so a view or a script that bypasses ``services.py`` fails loudly instead of writing an
unaudited change.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import transaction

F = TypeVar("F", bound=Callable[..., Any])


class SystemActor:
    """The system itself, acting for commands, scheduled work, seeding and migrations.

    One explicit object, so that ``None`` means nothing special anywhere: a missing user may nothing,
    while ``SYSTEM`` may everything and is recorded in the audit trail as "system" (no user row).
    It looks like a user to the code that asks (``is_authenticated``, ``is_superuser``), never to the database.
    """

    pk = None
    id = None
    username = "system"
    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = True
    is_staff = False
    organization = None
    organization_id = None

    _instance: SystemActor | None = None

    def __new__(cls) -> SystemActor:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "SYSTEM"

    def __str__(self) -> str:
        return "system"

    def has_perm(self, perm: str, obj: Any = None) -> bool:
        return True

    def get_username(self) -> str:
        return self.username


SYSTEM = SystemActor()


def is_system(actor: Any) -> bool:
    return actor is SYSTEM


def user_of(actor: Any) -> Any:
    """The user row behind ``actor`` for a ``created_by`` column: ``None`` for SYSTEM (it has no row)."""
    return None if actor is SYSTEM else actor


@dataclass
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class ActionContext:
    actor: Any  # accounts.User, SYSTEM (commands, scheduled work, seeding, migrations), or None (nobody: may nothing)
    name: str
    request: RequestInfo
    check_scope: bool = True


_request: ContextVar[RequestInfo | None] = ContextVar("partywork_request", default=None)
_action: ContextVar[ActionContext | None] = ContextVar("partywork_action", default=None)


class WriteOutsideAction(RuntimeError):
    """Raised when an audited model is written without an action around it."""


def set_request_info(info: RequestInfo | None):
    return _request.set(info)


def reset_request_info(token) -> None:
    _request.reset(token)


def current_request_info() -> RequestInfo | None:
    """The request being served (IP, user agent, id), or None outside a request: for work that outlives the
    request (a background job) to carry it on."""
    return _request.get()


def current_action() -> ActionContext:
    ctx = _action.get()
    if ctx is None:
        raise WriteOutsideAction("audited models are written only inside a services.py action")
    return ctx


def in_action() -> bool:
    return _action.get() is not None


@contextmanager
def acting(actor: Any, name: str, *, check_scope: bool = True):
    """Open an action: one transaction, the actor known to every audited write inside it."""
    outer = _action.get()
    if outer is not None:
        # A nested action is part of the outer one: same transaction, same actor.
        with transaction.atomic():
            yield outer
        return
    info = _request.get() or RequestInfo()
    ctx = ActionContext(actor=actor, name=name, request=info, check_scope=check_scope)
    token = _action.set(ctx)
    try:
        with transaction.atomic():
            yield ctx
    finally:
        _action.reset(token)


def action(func: F) -> F:
    """Decorator for service functions whose first argument is the acting user."""

    @functools.wraps(func)
    def wrapper(actor, *args, **kwargs):
        with acting(actor, f"{func.__module__.split('.')[0]}.{func.__name__}"):
            return func(actor, *args, **kwargs)

    return wrapper  # type: ignore[return-value]


@contextmanager
def system_action(name: str):
    """For the data generator, maintenance commands, scheduled work and migrations: the SYSTEM actor, audited."""
    with acting(SYSTEM, name, check_scope=False) as ctx:
        yield ctx
