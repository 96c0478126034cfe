"""Shared pieces of the action layer."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _


class EditConflict(Exception):
    """Someone else saved the record after this user opened it; nothing was overwritten."""

    message = _("Someone else changed this record after you opened it. Reload it to see their change, "
                "then make yours again.")

    def __str__(self) -> str:
        return str(self.message)


def check_version(obj: Any, expected: int | None) -> None:
    """Optimistic locking: the caller says which version it edited; a stale edit is refused."""
    if expected is not None and int(expected) != obj.lock_version:
        raise EditConflict()
    obj.lock_version += 1
