"""Import and export pages: upload an import (runs as a background job), the template, statistics."""

from __future__ import annotations

import tempfile
import uuid
from pathlib import Path

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View

from accounts.roots import scope_root
from audit.services import record_export
from core.phrases import Said, text
from core.scope import OutOfScope, can
from exchange.forms import ImportForm, StatisticsForm
from exchange.job_handlers import IMPORT_KIND
from exchange.statistics import statistics_file
from exchange.template import COLUMNS, DATE_FORMATS_HELP, template_csv, template_xlsx
from jobs.models import Job
from jobs.services import enqueue_job, jobs_dir
from members.models import Member

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _require(user, perm: str) -> None:
    if not can(user, Member, perm):
        raise PermissionDenied(_("Your roles do not allow this."))


def _default_code(user) -> str:
    root = scope_root(user)
    return root.code if root is not None else ""


class ExchangeHomeView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "view")
        jobs = Job.objects.restrict(request.user, "view").filter(kind=IMPORT_KIND).order_by("-created_at", "-id")[:10]
        return render(request, "exchange/home.html", {
            "can_import": can(request.user, Member, "add"), "can_export": can(request.user, Member, "export"),
            "jobs": jobs, "columns": COLUMNS, "date_formats": DATE_FORMATS_HELP,
            "stats_form": StatisticsForm(user=request.user, initial={"organization": _default_code(request.user)}),
        })


class ImportView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "add")
        form = ImportForm(user=request.user, initial={"organization": _default_code(request.user), "mode": "all"})
        return render(request, "exchange/import.html", {"form": form, "columns": COLUMNS,
                                                        "date_formats": DATE_FORMATS_HELP})

    def post(self, request):
        _require(request.user, "add")
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, "exchange/import.html", {"form": form, "columns": COLUMNS,
                                                            "date_formats": DATE_FORMATS_HELP}, status=400)
        upload, org = form.cleaned_data["file"], form.cleaned_data["organization"]
        folder = jobs_dir() / "uploads"
        folder.mkdir(parents=True, exist_ok=True)
        suffix = Path(upload.name).suffix.lower()[:6]
        target = folder / f"{uuid.uuid4().hex}{suffix}"
        with open(target, "wb") as out:
            for chunk in upload.chunks():
                out.write(chunk)
        try:
            job = enqueue_job(request.user, kind=IMPORT_KIND, org_path=org.path,
                              label=text("exchange.import_label", file=upload.name[:80], org=org.code),
                              params={"file": str(target), "filename": upload.name[:200], "mode":
                                      form.cleaned_data["mode"], "root_id": org.pk,
                                      "language": translation.get_language()})
        except OutOfScope as exc:
            target.unlink(missing_ok=True)
            form.add_error("organization", str(exc))
            return render(request, "exchange/import.html", {"form": form, "columns": COLUMNS}, status=400)
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


class TemplateDownloadView(LoginRequiredMixin, View):
    def get(self, request, fmt):
        if fmt not in ("xlsx", "csv"):
            raise Http404
        _require(request.user, "add")
        if fmt == "csv":
            response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
            response["Content-Disposition"] = 'attachment; filename="partywork-members-template.csv"'
            return response
        handle = tempfile.NamedTemporaryFile(suffix=".xlsx")
        template_xlsx(handle.name)
        handle.seek(0)
        return FileResponse(handle, as_attachment=True, filename="partywork-members-template.xlsx", content_type=XLSX)


class StatisticsView(LoginRequiredMixin, View):
    def get(self, request):
        _require(request.user, "export")
        if "organization" not in request.GET:
            return HttpResponseRedirect(reverse("exchange:home"))
        form = StatisticsForm(request.GET, user=request.user)
        if not form.is_valid():
            return render(request, "exchange/home.html", {
                "can_import": can(request.user, Member, "add"), "can_export": True, "jobs": [],
                "columns": COLUMNS, "date_formats": DATE_FORMATS_HELP, "stats_form": form}, status=400)
        org = form.cleaned_data["organization"]
        record_export(request.user, Member, scope_path=org.path,
                      description=Said(gettext_noop("Statistics tables of %(code)s (XLSX)"), {"code": org.code}),
                      count=0,
                      filters={"organization": org.code})
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return FileResponse(statistics_file(org), as_attachment=True, content_type=XLSX,
                            filename=f"statistics-{org.code}-{stamp}.xlsx")
