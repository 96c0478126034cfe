"""API plumbing shared by every app: error format, scoped viewsets."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, status
from rest_framework.fields import CharField, EmailField
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


@extend_schema_field({"oneOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]})
class OptionalEmailField(EmailField):
    """An email address, or ``""`` where none is recorded; the schema says both (a bare ``format: email`` lies)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)


def lockout_response(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``): the page for people, and for an
    API client the API's own error format (``{"detail": ...}``, HTTP 429 with ``Retry-After``), never HTML."""
    status_code = settings.AXES_HTTP_RESPONSE_CODE
    cool_off = int(float(getattr(settings, "AXES_COOLOFF_TIME", 0) or 0) * 3600)
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": _("Too many failed attempts to log in with this user name from this "
                                             "computer. Wait a few minutes and try again, or ask your committee's "
                                             "office to unlock the account.")}, status=status_code)
    else:
        response = render(request, settings.AXES_LOCKOUT_TEMPLATE, {"failure_limit": settings.AXES_FAILURE_LIMIT},
                          status=status_code)
    if cool_off:
        response["Retry-After"] = str(cool_off)
    return response
