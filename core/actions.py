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


@dataclass
class RequestInfo:
    ip: str | None = None
    user_agent: str = ""
    request_id: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class ActionContext:
    actor: Any  # accounts.User, or None for the system (migrations, data generator)
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
    """For the data generator and maintenance commands: no user, no scope check, still audited."""
    with acting(None, name, check_scope=False) as ctx:
        yield ctx
