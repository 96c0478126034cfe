"""The ``cadres.export`` job: a large composition export written in the background with a progress bar."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from cadres.exports import EXPORT_KIND, compositions, write_xlsx
from core.phrases import text
from jobs.models import JobState
from jobs.registry import job_handler
from jobs.services import JobContext, JobFailed, JobOutcome
from orgs.models import Organization


@job_handler(EXPORT_KIND, private_files=True, subject="cadres.PostHolding",
             label=gettext_lazy("Export of committee compositions"))
def export_compositions(job, ctx: JobContext) -> JobOutcome:
    """Reads again with the author's scope, so the file holds what they could see."""
    actor = get_user_model().objects.filter(pk=job.created_by_id, is_active=True).first()
    if actor is None:
        raise JobFailed(text("cadres.export_orphaned"))
    org = Organization.objects.restrict(actor, "view").filter(code=job.params.get("organization") or "").first()
    if org is None:
        raise JobFailed(text("cadres.export_invalid"))
    on = dt.date.fromisoformat(job.params["on"])
    total = int(job.params.get("count") or 0) or None
    name = job.params.get("filename") or "compositions.xlsx"

    def progress(done: int) -> None:
        ctx.progress(done, total)
        ctx.check_cancel()

    written = write_xlsx(compositions(actor, org, on), ctx.dir / name, progress=progress)
    ctx.progress(written, written, force=True)
    return JobOutcome(JobState.SUCCEEDED, text("cadres.exported", n=written), {"rows": written}, result_file=name)
