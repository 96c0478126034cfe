"""Job handlers by kind: ``@job_handler("members.import")`` on a function ``handler(job, ctx)``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

_HANDLERS: dict[str, Callable[..., Any]] = {}
_PRIVATE: set[str] = set()
_SUBJECTS: dict[str, str] = {}
_LABELS: dict[str, Any] = {}


def job_handler(kind: str, *, private_files: bool = False, subject: str | None = None, label: Any = None):
    """Register ``handler(job, ctx)`` for ``kind``; ``private_files``: only the job's author may download its
    files (an export holds personal data its author chose); ``subject``: the model (``"app.Model"``) its files
    are about, under which downloads are audited (the job itself when not given); ``label``: what the kind is
    called in the reader's language (a lazy translation)."""

    def register(func):
        _HANDLERS[kind] = func
        if label is not None:
            _LABELS[kind] = label
        if subject:
            _SUBJECTS[kind] = subject
        if private_files:
            _PRIVATE.add(kind)
        else:
            _PRIVATE.discard(kind)
        return func

    return register


def get_handler(kind: str) -> Callable[..., Any]:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise LookupError(f"no job handler registered for {kind!r}") from None


def kind_label(kind: str) -> str:
    """A job kind as the reader calls it ("Import of members"), or the kind itself when it has no label."""
    label = _LABELS.get(kind)
    return str(label) if label is not None else kind


def kinds() -> list[str]:
    return sorted(_HANDLERS)


def files_are_private(kind: str) -> bool:
    return kind in _PRIVATE


def subject_model(kind: str):
    """The model a job kind's files are about (for the audit of their downloads), or None."""
    from django.apps import apps

    label = _SUBJECTS.get(kind)
    return apps.get_model(label) if label else None
