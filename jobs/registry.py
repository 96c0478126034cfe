"""Job handlers by kind: ``@job_handler("members.import")`` on a function ``handler(job, ctx)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HANDLERS: dict[str, Callable[..., Any]] = {}


def job_handler(kind: str):
    def register(func):
        _HANDLERS[kind] = func
        return func

    return register


def get_handler(kind: str) -> Callable[..., Any]:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no job handler registered for {kind!r}") from None


def kinds() -> list[str]:
    return sorted(_HANDLERS)
