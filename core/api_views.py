"""Base classes shared by every API viewset: scoped reads, scoped writes, query-parameter checks.

Reads go through ``restrict(user, "view")``; writes fetch through ``restrict(user, "change")`` so an object
outside the caller's subtree is a 404 (it does not exist for them), while 403 is kept for "you may not do
this kind of thing anywhere" (``core.scope.can``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters import utils
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import SAFE_METHODS
from rest_framework.settings import api_settings

from core.registry import organization_model
from core.scope import can, grants_q

# Largest id a URL or a query parameter may name; bigger numbers are refused before they reach the database.
MAX_ID = 2**53


class AsOfSerializer(serializers.Serializer):
    """``?as_of=YYYY-MM-DD``: a real calendar date, so a typo is a 400 with a message, never a 500."""

    as_of = serializers.DateField(required=False, help_text=_("The date to show the state on (default: today)."))

    def as_of_date(self) -> dt.date:
        from django.utils import timezone

        return self.validated_data.get("as_of") or timezone.localdate()


def validated_query(serializer_class: type[serializers.Serializer], request) -> serializers.Serializer:
    """Validate query parameters with a serializer; errors become a 400 with field messages."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer


def organizations_in_scope(user: Any, model: type[Model], action: str) -> QuerySet:
    """Organizations under which ``user`` may do ``action`` on ``model`` (e.g. add members there).

    Used as the queryset of organization fields in write serializers: an organization outside the scope
    is reported exactly like one that does not exist ("invalid id"), so the API leaks nothing.
    """
    qs = organization_model().objects.all()
    q = grants_q(user, model, action, ("path",))
    return qs if q is None else qs.filter(q)


def _check_pk(field: serializers.RelatedField, data: Any) -> None:
    """An id is a whole number within range: ``true``, ``1.5`` or ``10**30`` are not silently coerced."""
    if isinstance(data, (bool, float)) or not isinstance(data, (int, str)):
        field.fail("incorrect_type", data_type=type(data).__name__)
    if (isinstance(data, int) and not 0 < data <= MAX_ID) or (
            isinstance(data, str) and data.strip().isdigit() and int(data) > MAX_ID):
        field.fail("does_not_exist", pk_value=data)


@extend_schema_field(OpenApiTypes.INT)
class ScopedOrganizationField(serializers.PrimaryKeyRelatedField):
    """An organization id limited to the organizations where the caller may do ``action`` on ``model``."""

    def __init__(self, *, scope_model: str, scope_action: str, **kwargs: Any) -> None:
        self.scope_model = scope_model
        self.scope_action = scope_action
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet:
        from django.apps import apps

        request = self.context.get("request")
        return organizations_in_scope(getattr(request, "user", None), apps.get_model(self.scope_model),
                                      self.scope_action)

    def to_internal_value(self, data: Any) -> Any:
        _check_pk(self, data)
        return super().to_internal_value(data)


@extend_schema_field(OpenApiTypes.INT)
class BoundedPrimaryKeyRelatedField(serializers.PrimaryKeyRelatedField):
    """A primary key field that refuses absurd numbers instead of handing them to the database."""

    def to_internal_value(self, data: Any) -> Any:
        _check_pk(self, data)
        return super().to_internal_value(data)


class BoundedFilterBackend(DjangoFilterBackend):
    """django-filter's backend, refusing numbers no id can reach (SQLite raises OverflowError on them)."""

    def filter_queryset(self, request, queryset: QuerySet, view) -> QuerySet:
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise utils.translate_validation(filterset.errors)
        errors = {
            name: [_("Ensure this value is less than or equal to %(limit_value)s.") % {"limit_value": MAX_ID}]
            for name, value in filterset.form.cleaned_data.items()
            if isinstance(value, (int, Decimal)) and not isinstance(value, bool) and abs(value) > MAX_ID
        }
        if errors:
            raise serializers.ValidationError(errors)
        return filterset.qs


class FormatSuffixMixin:
    """Takes the ``.json`` format suffix out of the view's keyword arguments before any handler sees them.

    The router documents ``/api/x/{id}/action.json`` for every route; DRF passes the suffix to the handler as
    ``format=...``, which a custom action written as ``def act(self, request, pk=None)`` does not accept (a 500).
    Content negotiation still sees the suffix through ``get_format_suffix``.
    """

    def dispatch(self, request, *args: Any, **kwargs: Any):
        self._format_suffix = kwargs.pop(api_settings.FORMAT_SUFFIX_KWARG, None)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]

    def get_format_suffix(self, **kwargs: Any) -> str | None:
        return getattr(self, "_format_suffix", None) or kwargs.get(api_settings.FORMAT_SUFFIX_KWARG)


class ScopedViewSetMixin(FormatSuffixMixin):
    """``get_queryset`` = ``restrict(user, "view")``; writes look objects up with ``restrict(user, "change")``.

    Subclasses set ``queryset`` (the scope-isolation test reads ``queryset.model``), ``select_related``
    and ``keyset_order``.
    """

    queryset: QuerySet
    select_related: tuple[str, ...] = ()
    lookup_value_converter = "int"
    keyset_order: list[str] = ["-id"]
    filter_backends = [BoundedFilterBackend]

    def initial(self, request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        # A token client that sends no Accept-Language gets the user's own language (pages keep it in the session).
        language = getattr(request.user, "language", "")
        if "HTTP_ACCEPT_LANGUAGE" not in request.META and language in dict(settings.LANGUAGES):
            translation.activate(language)
            request.LANGUAGE_CODE = language

    def scoped(self, action: str = "view") -> QuerySet:
        qs = self.queryset.model.objects.restrict(self.request.user, action)  # type: ignore[attr-defined]
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs

    def get_queryset(self) -> QuerySet:
        return self.scoped("view")

    def write_action(self) -> str:
        return "delete" if self.request.method == "DELETE" else "change"

    def get_object(self) -> Any:
        """Safe methods read with "view"; writes need "change" (403 if never allowed, 404 if not here)."""
        from rest_framework.generics import get_object_or_404

        if self.request.method in SAFE_METHODS:
            qs = self.get_queryset()
        else:
            action = self.write_action()
            self.require(action)
            qs = self.scoped(action)
        lookup_url_kwarg = self.lookup_url_kwarg or self.lookup_field  # type: ignore[attr-defined]
        obj = get_object_or_404(qs, **{self.lookup_field: self.kwargs[lookup_url_kwarg]})  # type: ignore[attr-defined]
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj

    def require(self, action: str, model: type[Model] | None = None) -> None:
        """403 only when the user may not do ``action`` on this kind of object anywhere at all."""
        if not can(self.request.user, model or self.queryset.model, action):
            raise PermissionDenied(_("You do not have the right to do this."))


class ScopedReadOnlyViewSet(ScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class ScopedGenericViewSet(ScopedViewSetMixin, viewsets.GenericViewSet):
    pass


class ScopedActionViewSet(ScopedGenericViewSet):
    """A scoped viewset whose custom actions run one service action on one object, the same way everywhere.

    ``run_action`` looks the object up (writes need "change": 403 if never allowed, 404 outside scope), validates
    the request body with the action's serializer, passes ``lock_version`` as ``expected_version`` and the other
    fields as keyword arguments to ``service_func(user, obj, ...)``, and maps the service's refusals:
    ``ValidationError`` -> 400 with field messages, ``EditConflict`` -> 409, ``NotPermitted`` -> 403,
    ``OutOfScope`` -> 400 with its message.
    An object outside the caller's scope is already a 404 at the lookup; ``OutOfScope`` raised by the service
    concerns an object the caller does see (a letter's sender confirming its receipt, a change that would move
    the object out of their subtree), so it is a refusal with a reason, not "no such object".
    The answer is ``respond(result)``, by default the ``action_output_serializer`` (or the viewset's serializer)
    of the refetched result.
    """

    action_output_serializer: type[serializers.Serializer] | None = None

    def run_action(self, request, service_func: Any, serializer_class: type[serializers.Serializer] | None = None,
                   *, respond: Any = None, status_code: int = 200, **extra: Any) -> Any:
        obj = self.get_object()
        serializer_class = serializer_class or self.get_serializer_class()  # type: ignore[attr-defined]
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())  # type: ignore
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("lock_version", None)
        # The service's refusals (ValidationError 400, NotPermitted 403, OutOfScope 400, EditConflict 409) are
        # mapped once, by core.api.exception_handler.
        result = service_func(request.user, obj, expected_version=version, **data, **extra)
        if respond is not None:
            return respond(result)
        return self.action_response(result, status_code)

    def action_response(self, result: Any, status_code: int = 200) -> Any:
        """The result of an action as the API shows it, read again so derived fields are current."""
        from rest_framework.response import Response

        if isinstance(result, Model) and self.select_related:
            result = type(result)._default_manager.select_related(*self.select_related).get(pk=result.pk)
        serializer_class = self.action_output_serializer or self.serializer_class  # type: ignore[attr-defined]
        return Response(serializer_class(result, context=self.get_serializer_context()).data,  # type: ignore
                        status=status_code)
