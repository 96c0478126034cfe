"""Job pages: progress (htmx polls a partial every second), cancel, and the result and error downloads."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View

from audit.services import record_export
from core.phrases import Said
from core.scope import get_scoped_or_404, path_in_scope
from jobs.models import Job
from jobs.registry import files_are_private, subject_model
from jobs.services import jobs_dir, live_progress, request_cancel

LIST_SIZE = 30


def job_context(job: Job, user=None) -> dict:
    done, total = live_progress(job)
    percent = min(100, int(done * 100 / total)) if total else None
    may_read_errors = user is not None and path_in_scope(user, Job, "add", job.org_path)
    return {"job": job, "done": done, "total": total, "percent": percent, "may_read_errors": may_read_errors}


class JobListView(LoginRequiredMixin, View):
    def get(self, request):
        jobs = Job.objects.restrict(request.user, "view").order_by("-created_at", "-id")[:LIST_SIZE]
        return render(request, "jobs/list.html", {"jobs": jobs})


class JobDetailView(LoginRequiredMixin, View):
    model = Job

    def get(self, request, pk):
        job = get_scoped_or_404(Job.objects.all(), request.user, "view", pk=pk)
        return render(request, "jobs/detail.html", job_context(job, request.user))


class JobStatusView(LoginRequiredMixin, View):
    """The partial that the job page polls; it stops polling when the job has finished."""

    model = Job

    def get(self, request, pk):
        job = get_scoped_or_404(Job.objects.all(), request.user, "view", pk=pk)
        return render(request, "jobs/_status.html", job_context(job, request.user))


class JobCancelView(LoginRequiredMixin, View):
    model = Job

    def post(self, request, pk):
        job = get_scoped_or_404(Job.objects.all(), request.user, "add", pk=pk)
        job = request_cancel(request.user, job)
        if not job.is_finished:
            messages.info(request, _("Cancel requested: the job stops after its current batch."))
        return HttpResponseRedirect(reverse("jobs:detail", args=[job.pk]))


class JobDownloadView(LoginRequiredMixin, View):
    """The job's result file or error report; a job outside the user's subtree does not exist (404)."""

    model = Job

    def get(self, request, pk, which):
        job = get_scoped_or_404(Job.objects.all(), request.user, "view", pk=pk)
        if files_are_private(job.kind) and job.created_by_id != request.user.pk and not request.user.is_superuser:
            raise Http404  # e.g. an export holds personal data chosen by its author: it is theirs alone
        if which == "errors" and not path_in_scope(request.user, Job, "add", job.org_path):
            # An error report holds the raw rows of the file: the right to import, not to view, reads it.
            raise PermissionDenied(_("Only those who may import members may download an error report."))
        name = {"result": job.result_file, "errors": job.error_report}.get(which)
        if not name:
            raise Http404
        path = (jobs_dir() / str(job.pk) / Path(name).name).resolve()
        if not path.is_file() or jobs_dir().resolve() not in path.parents:
            raise Http404
        # Kept as message ids and parameters: the trail names the download in each reader's language.
        what = Said(gettext_noop("error report") if which == "errors" else gettext_noop("result file"))
        record_export(request.user, subject_model(job.kind) or Job, scope_path=job.org_path,
                      description=Said(gettext_noop("Download of the %(what)s of job %(id)s"),
                                       {"what": what, "id": str(job.pk)}),
                      count=int(job.result.get("error_rows" if which == "errors" else "rows", 0) or 0),
                      filters={"job": job.pk, "kind": job.kind, "file": which})
        return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)
