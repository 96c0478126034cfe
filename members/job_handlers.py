"""The ``members.export`` job: a large Excel export written in the background with a progress bar."""

from __future__ import annotations

from types import SimpleNamespace

from django.contrib.auth import get_user_model
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from core.phrases import text
from jobs.models import JobState
from jobs.registry import job_handler
from jobs.services import JobContext, JobFailed, JobOutcome
from members.exports import EXPORT_KIND, write_xlsx
from members.filtersets import MemberFilterSet
from members.models import Member


@job_handler(EXPORT_KIND, private_files=True, subject="members.Member", label=gettext_lazy("Export of members"))
def export_members(job, ctx: JobContext) -> JobOutcome:
    """Re-runs the author's filters with the author's export scope, so the file holds what they could see."""
    actor = get_user_model().objects.filter(pk=job.created_by_id, is_active=True).first()
    if actor is None:
        raise JobFailed(text("members.export_orphaned"))
    filterset = MemberFilterSet(QueryDict(job.params.get("query", "")), request=SimpleNamespace(user=actor),
                                queryset=Member.objects.restrict(actor, "export"))
    if not filterset.is_valid():
        raise JobFailed(text("members.export_filters_invalid"))
    qs = filterset.qs.select_related("organization").order_by("name_key", "id")
    total = int(job.params.get("count") or 0) or None
    name = job.params.get("filename") or "members.xlsx"

    def progress(done: int) -> None:
        ctx.progress(done, total)
        ctx.check_cancel()

    written = write_xlsx(qs, ctx.dir / name, progress=progress)
    ctx.progress(written, written, force=True)
    return JobOutcome(JobState.SUCCEEDED, text("members.exported", n=written), {"rows": written}, result_file=name)
