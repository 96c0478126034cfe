"""Generic pages every app builds on: list, detail, action form and export (the shape of NetBox's object views).

- :class:`ObjectListView`: the model's objects the user may see (``restrict(user, "view")``), filtered by a
  filterset, cut in keyset pages (``core.views.keyset_list``), with whitelisted sort columns.
- :class:`ObjectDetailView`: one object, 404 outside the user's scope (``get_scoped_or_404``).
- :class:`ObjectActionView`: a form whose valid data goes to a ``services.py`` action with the acting user; the
  service's refusals (``ValidationError``, ``EditConflict``, ``OutOfScope``) land on the form, success shows a
  message and redirects.
- :class:`ObjectExportView`: checks the export right (``<app>.export_<model>``, 403 without it), reads with
  ``restrict(user, "export")``, writes the export audit record before the first byte leaves, then streams CSV
  or writes XLSX through ``core.exports`` (which neutralizes formulas), or hands a big XLSX to a background job.

Views stay thin: reads through ``restrict``, writes through services, presentation in templates.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import csv_lines, write_xlsx
from core.filtersets import code_named_url, organization_filter_names
from core.l10n import number
from core.phrases import Said
from core.registry import detail_panels, object_actions, object_states
from core.scope import OutOfScope, can, get_scoped_or_404
from core.services import EditConflict
from core.views import KeysetList, apply_service_errors, keyset_list, sort_columns

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DEFAULT_EXPORT_MAX_ROWS = 200_000
DEFAULT_EXPORT_INLINE_ROWS = 20_000  # larger Excel exports go to a background job when the view offers one
# Query parameters that are paging or presentation, not filters (not recorded in the export audit).
NON_FILTER_PARAMS = ("cursor", "sort", "partial", "format")


def run_service(form: Any, func: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service; its refusals become errors on ``form``. Returns the result, or None when refused."""
    try:
        return func(*args, **kwargs)
    except (OutOfScope, EditConflict) as exc:
        form.add_error(None, str(exc))
    except ValidationError as exc:
        apply_service_errors(form, exc)
    return None


class ScopedObjectMixin(LoginRequiredMixin):
    """``model`` / ``queryset`` of the page (the scope-isolation test reads ``model``) and the right it needs.

    ``permission_model`` names the model whose right is checked when it is not ``model`` itself (a badge list
    reads members); ``required_action`` (if set) is a right the user must hold somewhere, else 403.
    """

    model: type[Model] | None = None
    queryset: QuerySet | None = None
    select_related: tuple[str, ...] = ()
    permission_model: type[Model] | None = None
    required_action: str | None = None
    permission_denied_message = gettext_lazy("You do not have the right to do this.")

    def get_queryset(self) -> QuerySet:
        """The unrestricted base queryset; callers restrict it for their action."""
        if self.queryset is not None:
            qs = self.queryset.all()
        elif self.model is not None:
            qs = self.model._default_manager.all()
        else:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model or a queryset.")
        return qs.select_related(*self.select_related) if self.select_related else qs

    def restricted(self, action: str = "view") -> QuerySet:
        return self.get_queryset().restrict(self.request.user, action)  # type: ignore[attr-defined]

    def get_permission_model(self) -> type[Model]:
        return self.permission_model or self.model or self.get_queryset().model

    def require(self, action: str) -> None:
        """403 when the user may not do ``action`` on this kind of object anywhere at all."""
        if not can(self.request.user, self.get_permission_model(), action):  # type: ignore[attr-defined]
            raise PermissionDenied(self.permission_denied_message)

    def check_permissions(self) -> None:
        if self.required_action:
            self.require(self.required_action)


@dataclass(frozen=True)
class RowCount:
    """How many rows a filtered list has: ``exact``, or at least ``value`` (``capped``), and ``about`` a planner
    estimate when the exact count would cost a scan (PostgreSQL; ``None`` elsewhere)."""

    value: int
    capped: bool = False
    about: int | None = None


def planner_estimate(queryset: QuerySet) -> int | None:
    """PostgreSQL's estimate of the rows ``queryset`` returns (``EXPLAIN``: no row is read); ``None`` elsewhere."""
    if queryset.db != "default" or connections[queryset.db].vendor != "postgresql":
        return None
    try:
        plan = json.loads(queryset.order_by().explain(format="json"))
        return int(plan[0]["Plan"]["Plan Rows"])
    except (ValueError, KeyError, IndexError, TypeError):
        return None


class ObjectListView(ScopedObjectMixin, View):
    """A filtered, sortable keyset list of the objects the user may see, with the count of the filtered set.

    Set ``template_name`` (and ``partial_template_name`` for htmx table refreshes), ``filterset_class``,
    ``sorts`` ({"sort value": keyset order ending in a unique column}), ``default_sort``, ``sort_columns``
    ([(sort key, label)]) and ``context_object_name``. Override ``filter_queryset`` for simple parameters
    and ``get_extra_context`` for what else the template shows.

    The count (``row_count`` in the context, ``includes/row_count.html``) costs no scan of a big table: a single
    page counts itself; ``count_from_counters`` (a hook per list) answers from stored counters when the filter
    allows; otherwise ``COUNT`` stops at ``count_cap`` + 1 rows and says "more than", with the planner's estimate
    marked "about" on PostgreSQL.
    """

    template_name = ""
    partial_template_name: str | None = None
    context_object_name = "object_list"
    filterset_class: Any = None
    sorts: dict[str, list[str]] | None = None
    default_sort = ""
    sort_columns: list[tuple[str, Any]] = []
    page_size: int | None = None

    def get_list_queryset(self) -> QuerySet:
        return self.restricted("view")

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        """Hook for parameters that are not in the filterset (e.g. a state tab)."""
        return queryset

    def get_filter_data(self) -> Any:
        return self.request.GET  # type: ignore[attr-defined]

    def get_listing(self, queryset: QuerySet, data: Any = None) -> KeysetList:
        return keyset_list(self.request, queryset, filterset_class=self.filterset_class,  # type: ignore[attr-defined]
                           sorts=self.sorts, default_sort=self.default_sort, size=self.page_size,
                           data=self.get_filter_data() if data is None else data)

    def list_context(self, listing: KeysetList) -> dict[str, Any]:
        """The keys every list template uses."""
        return {
            "listing": listing,
            "page": listing.page,
            self.context_object_name: listing.items,
            "filter": listing.filterset,
            "filter_error": listing.error,
            "columns": sort_columns(listing.sort, self.sort_columns) if self.sort_columns else [],
            "sort": listing.sort,
        }

    def get_extra_context(self, listing: KeysetList) -> dict[str, Any]:
        return {}

    count_cap = 10_000

    def count_from_counters(self, listing: KeysetList) -> int | None:
        """Hook: the exact count from stored counters when the filter allows it (e.g. members of an organization
        in a status, from the organization's subtree counters); ``None``: count the rows."""
        return None

    def get_row_count(self, listing: KeysetList, queryset: QuerySet) -> RowCount | None:
        """The count of the filtered set (``queryset`` is the list's queryset before the filterset)."""
        if listing.error:
            return None
        page = listing.page
        if page.is_first and page.next_cursor is None:
            return RowCount(len(page.items))  # all on this page: counted already
        from_counters = self.count_from_counters(listing)
        if from_counters is not None:
            return RowCount(from_counters)
        filtered = listing.filterset.qs if listing.filterset is not None else queryset
        counted = filtered.order_by()[: self.count_cap + 1].count()
        if counted <= self.count_cap:
            return RowCount(counted)
        estimate = planner_estimate(filtered)
        return RowCount(self.count_cap, capped=True,
                        about=estimate if estimate is not None and estimate > self.count_cap else None)

    def get_context_data(self, queryset: QuerySet | None = None, data: Any = None) -> dict[str, Any]:
        queryset = self.filter_queryset(self.get_list_queryset()) if queryset is None else queryset
        listing = self.get_listing(queryset, data)
        context = self.list_context(listing)
        # Lazy: counted only when the template shows it.
        context["row_count"] = SimpleLazyObject(lambda: self.get_row_count(listing, queryset))
        context.update(self.get_extra_context(listing))
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_permissions()
        if self.filterset_class is not None:  # an old bookmark naming an organization by id: the code-named page
            renamed = code_named_url(request, organization_filter_names(self.filterset_class))
            if renamed is not None:
                return HttpResponseRedirect(renamed)
        context = self.get_context_data()
        htmx = getattr(request, "htmx", None)
        if self.partial_template_name and htmx and not htmx.boosted:
            return render(request, self.partial_template_name, context)
        return render(request, self.template_name, context)


class ObjectDetailView(ScopedObjectMixin, View):
    """One object's page: 404 when it is outside the user's scope (it does not exist for them)."""

    template_name = ""
    context_object_name = "object"
    pk_url_kwarg = "pk"

    def get_object(self) -> Model:
        return get_scoped_or_404(self.get_queryset(), self.request.user, "view",  # type: ignore[attr-defined]
                                 pk=self.kwargs[self.pk_url_kwarg])  # type: ignore[attr-defined]

    def get_extra_context(self, obj: Model) -> dict[str, Any]:
        return {}

    def get_context_data(self, obj: Model) -> dict[str, Any]:
        # What the apps registered for this model: the object's states (one query per loader) and the actions the
        # user may take on it in that state (``core.registry.ObjectAction``), for the page's action bar.
        label = obj._meta.label
        states = object_states(label, self.request.user, [obj])[obj.pk]  # type: ignore[attr-defined]
        context = {self.context_object_name: obj, "object_states": states,
                   "object_actions": object_actions(label, obj, self.request.user, states)}  # type: ignore[attr-defined]
        context.update(self.get_extra_context(obj))
        return context

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.check_permissions()
        obj = self.get_object()
        context = self.get_context_data(obj)
        # The sections other apps register for this model's page (``core.registry.DetailPanel``), in
        # ``panels``; a htmx request for ``?partial=<name>`` gets only that panel's partial.
        partial = request.GET.get("partial") if getattr(request, "htmx", False) else None
        panels = []
        for panel in detail_panels(obj._meta.label):
            panel_context = {**context, **panel.context(request, obj)}
            if partial and panel.partial == partial:
                return render(request, panel.partial_template, panel_context)
            panels.append(render_to_string(panel.template, panel_context, request=request))
        context["panels"] = panels
        return render(request, self.template_name, context)


class ObjectActionView(ScopedObjectMixin, View):
    """A form that runs one service action on one object (or, without a ``pk`` in the URL, on none).

    The object is looked up with "view" (404 outside scope); the user then needs ``action`` on it (403
    otherwise: they see it but may not change it). A valid form calls ``perform(user, obj, data)``, by
    default ``service(user, obj, **data)``; the service's refusals are shown on the form with
    ``invalid_status``; success adds ``success_message`` and redirects to ``get_success_url``.
    """

    template_name = ""
    form_class: Any = None
    service: Any = None
    action = "change"
    context_object_name = "object"
    pk_url_kwarg = "pk"
    success_message: Any = ""
    invalid_status = 400
    permission_denied_message = gettext_lazy("You may see this record but not change it.")

    def get_object(self) -> Model | None:
        """The object in scope (404 outside), and the right to act on it (403 without it)."""
        if self.pk_url_kwarg not in self.kwargs:  # type: ignore[attr-defined]
            self.require(self.action)
            return None
        obj = get_scoped_or_404(self.get_queryset(), self.request.user, "view",  # type: ignore[attr-defined]
                                pk=self.kwargs[self.pk_url_kwarg])  # type: ignore[attr-defined]
        self.require(self.action)
        if not self.restricted(self.action).filter(pk=obj.pk).exists():
            raise PermissionDenied(self.permission_denied_message)
        return obj

    def get_form(self, obj: Model | None, data: Any = None) -> Any:
        # Forms with pickers resolve what is typed through the acting user's scope (core.pickers).
        kwargs = {"user": self.request.user} if getattr(self.form_class, "takes_user", False) else {}  # type: ignore[attr-defined]
        return self.form_class(data, **kwargs) if data is not None else self.form_class(**kwargs)

    def perform(self, user: Any, obj: Model | None, data: dict[str, Any]) -> Any:
        """Run the service action; override to map form fields onto its arguments."""
        if self.service is None:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a service or a perform().")
        return self.service(user, obj, **data) if obj is not None else self.service(user, **data)

    def get_success_message(self, obj: Model | None, result: Any) -> str:
        return str(self.success_message)

    def get_success_url(self, obj: Model | None, result: Any) -> str:
        target = result if hasattr(result, "get_absolute_url") else obj
        if target is None or not hasattr(target, "get_absolute_url"):
            raise ImproperlyConfigured(f"{type(self).__name__} needs get_success_url().")
        return target.get_absolute_url()

    def get_extra_context(self, obj: Model | None) -> dict[str, Any]:
        return {}

    def render_form(self, obj: Model | None, form: Any, status: int = 200) -> HttpResponse:
        context = {self.context_object_name: obj, "form": form}
        context.update(self.get_extra_context(obj))
        return render(self.request, self.template_name, context, status=status)  # type: ignore[attr-defined]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        return self.render_form(obj, self.get_form(obj))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        obj = self.get_object()
        form = self.get_form(obj, request.POST)
        if form.is_valid():
            result = run_service(form, self.perform, request.user, obj, form.cleaned_data)
            if result is not None:
                message = self.get_success_message(obj, result)
                if message:
                    messages.success(request, message)
                return redirect(self.get_success_url(obj, result))
        return self.render_form(obj, form, status=self.invalid_status)


class ExportRefused(Exception):
    """The export cannot be made as asked (bad filters, too many rows): the user is sent back with the message."""


def record_export(user: Any, model: type[Model], *, scope_path: str, description: str, count: int,
                  filters: dict[str, Any]) -> Any:
    """Write the export audit record through the audit app's recorder (``PARTYWORK_EXPORT_RECORDER``).

    core does not import the apps above it, so the recorder is named in settings; without one the export
    is refused rather than made unaudited.
    """
    path = getattr(settings, "PARTYWORK_EXPORT_RECORDER", "audit.services.record_export")
    if not path:
        raise ImproperlyConfigured("PARTYWORK_EXPORT_RECORDER must name the function that audits exports.")
    return import_string(path)(user, model, scope_path=scope_path, description=description, count=count,
                               filters=filters)


# The filters of each model's export, so the audit trail names an export's filters by their labels.
EXPORT_FILTERSETS: dict[type, Any] = {}


class ObjectExportView(ScopedObjectMixin, View):
    """Export of a filtered list as CSV (streamed) or XLSX, permission-checked and audited, formulas neutralized.

    The user needs ``export_action`` ("export": ``<app>.export_<model>``, or of ``permission_model``) somewhere,
    else 403; rows come from ``restrict(user, "export")`` (``get_export_queryset``). Subclasses give the
    ``columns()`` (header labels) and ``row_values(obj)``; ``description`` (with ``%(format)s``) names the export
    in the audit trail. An XLSX larger than ``PARTYWORK_EXPORT_INLINE_ROWS`` goes to ``start_background`` when a
    subclass implements it (a job of the app that owns the data).
    """

    export_action = "export"
    formats: tuple[str, ...] = ("csv", "xlsx")
    format_kwarg = "fmt"
    filterset_class: Any = None
    ordering: list[str] = ["-id"]
    filter_params: tuple[str, ...] | None = None
    description: Any = gettext_lazy("Export (%(format)s)")
    filename_prefix = "export"
    sheet_title: Any = gettext_lazy("Export")
    back_url_name = ""
    permission_denied_message = gettext_lazy("Your roles do not allow exporting this list.")
    chunk_size = 2000

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if getattr(cls, "model", None) is not None and cls.filterset_class is not None:
            EXPORT_FILTERSETS[cls.model] = cls.filterset_class

    @staticmethod
    def max_rows() -> int:
        return int(getattr(settings, "PARTYWORK_EXPORT_MAX_ROWS", DEFAULT_EXPORT_MAX_ROWS))

    @staticmethod
    def inline_rows() -> int:
        return int(getattr(settings, "PARTYWORK_EXPORT_INLINE_ROWS", DEFAULT_EXPORT_INLINE_ROWS))

    # --- what subclasses describe ---------------------------------------------------------------------

    def columns(self) -> list[Any]:
        raise NotImplementedError

    def row_values(self, obj: Any) -> list[Any]:
        raise NotImplementedError

    def get_format(self) -> str:
        return self.kwargs.get(self.format_kwarg) or self.request.GET.get("format", "")  # type: ignore[attr-defined]

    def get_export_queryset(self) -> QuerySet:
        """The rows: restricted to the export scope, filtered; raise ExportRefused for bad filters."""
        qs = self.restricted(self.export_action)
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET, queryset=qs,  # type: ignore[attr-defined]
                                                  request=self.request)  # type: ignore[attr-defined]
            if not self.filterset.is_valid():
                raise ExportRefused(_("Some filter values are not valid. Correct them and export again."))
            qs = self.filterset.qs
        return qs.order_by(*self.ordering)

    def get_scope_path(self) -> str:
        """The organization path the audit record is filed under: the user's scope root ("" for the Centre)."""
        from core.registry import hook

        user = self.request.user  # type: ignore[attr-defined]
        if user.is_superuser:
            return ""
        root = hook("scope_root")(user)  # registered by accounts
        return "" if root is None else root.path

    def get_filters(self) -> dict[str, Any]:
        """The filters as the audit trail records them."""
        data = self.request.GET  # type: ignore[attr-defined]
        keys = self.filter_params if self.filter_params is not None else [
            k for k in data if k not in NON_FILTER_PARAMS]
        result: dict[str, Any] = {}
        for key in keys:
            values = [v for v in data.getlist(key) if v][:20]
            if values:
                result[key] = values if len(values) > 1 else values[0]
        return result

    def get_description(self, fmt: str) -> str:
        """The export's name in the actor's language that keeps its message id (``core.phrases.Said``): the audit
        record stores the code, and the trail names the export in each reader's language."""
        return Said.of(self.description, {"format": fmt.upper()})

    def get_filename(self, fmt: str) -> str:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return f"{self.filename_prefix}-{stamp}.{fmt}"

    def get_back_url(self) -> str:
        from django.urls import reverse

        query = self.request.GET.copy()  # type: ignore[attr-defined]
        query.pop("format", None)
        base = reverse(self.back_url_name) if self.back_url_name else self.request.path  # type: ignore[attr-defined]
        return base + ("?" + query.urlencode() if query else "")

    def start_background(self, fmt: str, count: int, scope_path: str, filename: str) -> HttpResponse | None:
        """Hand a big XLSX to a background job and answer with its page; None writes it inline."""
        return None

    # --- the mechanism --------------------------------------------------------------------------------

    def refuse(self, message: str) -> HttpResponse:
        messages.error(self.request, message)  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_back_url())

    def rows(self, queryset: QuerySet):
        for obj in queryset.iterator(chunk_size=self.chunk_size):
            yield self.row_values(obj)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        fmt = self.get_format()
        if fmt not in self.formats:
            raise Http404
        self.require(self.export_action)
        try:
            qs = self.get_export_queryset()
        except ExportRefused as exc:
            return self.refuse(str(exc))
        limit = self.max_rows()
        count = qs.order_by()[: limit + 1].count()
        if count > limit:
            return self.refuse(_("The export would have more than %(limit)s rows. Narrow the filters (for example "
                                 "choose an organization or a status) and export again.") % {"limit": number(limit)})
        scope_path = self.get_scope_path()
        # Recorded before the first byte leaves: an export that fails half-way is still on record.
        record_export(request.user, self.get_permission_model(), scope_path=scope_path,
                      description=self.get_description(fmt), count=count, filters=self.get_filters())
        filename = self.get_filename(fmt)
        if fmt == "xlsx" and count > self.inline_rows():
            response = self.start_background(fmt, count, scope_path, filename)
            if response is not None:
                return response
        if fmt == "csv":
            response = StreamingHttpResponse(csv_lines(self.columns(), self.rows(qs)),
                                             content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # deleted when the response closes it
        self.write_xlsx(qs, handle.name)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX_TYPE)

    def write_xlsx(self, queryset: QuerySet, target: Any, *, progress: Any = None) -> int:
        """The XLSX file (also what a background job of this export calls, with ``progress``)."""
        return write_xlsx(target, self.sheet_title, self.columns(), self.rows(queryset), progress=progress,
                          every=self.chunk_size)
