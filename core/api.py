"""API plumbing shared by every app: error format, scoped viewsets."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.fields import CharField
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.scope import NotPermitted, OutOfScope


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    """Domain errors become 400/403/404/409 with messages in the caller's language, never a 500."""
    from core.services import EditConflict

    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail)
    elif isinstance(exc, NotPermitted):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, OutOfScope):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, EditConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    return Response(response.data, status=response.status_code, headers=dict(response.headers))


class ChoiceDisplayField(CharField):
    """The label of a choice in the caller's language, without calling ``get_FOO_display`` per row."""

    def __init__(self, choices, **kwargs):
        self._labels = dict(choices)
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(self._labels.get(value, value))
