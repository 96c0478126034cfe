"""The ``members.import`` job: read the uploaded file, validate, write, report (see exchange/importer.py)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy

from core.phrases import text
from exchange.importer import ErrorLog, MemberImporter, Stats
from exchange.readers import FileProblem, open_table
from exchange.reports import write_error_report
from jobs.models import JobState
from jobs.registry import job_handler
from jobs.services import Cancelled, JobContext, JobFailed, JobOutcome
from orgs.models import Organization

IMPORT_KIND = "members.import"


def _summary(stats: Stats, mode: str, written: bool) -> dict:
    """The import's counts as a stored text (core.phrases), shown in the reader's language."""
    return text("exchange.summary", rows=stats.rows, created=stats.created if written else None,
                unchanged=stats.unchanged, errors=stats.error_rows)


@job_handler(IMPORT_KIND, subject="members.Member", label=gettext_lazy("Import of members"))
def import_members(job, ctx: JobContext) -> JobOutcome:
    params = job.params
    mode = params.get("mode", "all")
    actor = get_user_model().objects.filter(pk=job.created_by_id).first()
    root = Organization.objects.filter(pk=params.get("root_id")).first()
    if actor is None or root is None or not actor.is_active:
        raise JobFailed(text("exchange.import_orphaned"))
    source = Path(params["file"])
    if not source.is_file():
        raise JobFailed(text("exchange.upload_gone"))
    resume = ctx.cursor if mode == "valid" else {}
    errors = ErrorLog(ctx.dir / "errors.jsonl", int(resume.get("errors_offset", 0)))
    importer = MemberImporter(actor, root, mode, errors)
    if resume:
        importer.stats = Stats(**{k: int(resume.get(k, 0)) for k in Stats().as_dict()})
    cancelled = False
    try:
        with open_table(source, params.get("filename", "")) as table:
            total = table.estimated_rows
            ctx.progress(importer.stats.rows, total, force=True)

            def between(stats: Stats) -> None:
                ctx.progress(stats.rows, max(total or 0, stats.rows))
                ctx.check_cancel()

            def checkpoint(stats: Stats, offset: int) -> None:
                ctx.checkpoint({**stats.as_dict(), "errors_offset": offset}, stats.rows)

            try:
                if mode == "all":
                    stats = importer.run_all(table, between=between)
                else:
                    stats = importer.run_valid(table, start_after=importer.stats.last_row, checkpoint=checkpoint,
                                               between=between)
            except Cancelled:
                if mode == "all":
                    raise
                cancelled, stats = True, importer.stats
    except FileProblem as exc:
        raise JobFailed(exc.message) from None
    finally:
        errors.close()
    ctx.progress(stats.rows, stats.rows, force=True)
    report = ""
    if stats.error_rows:
        report = "errors.xlsx"
        write_error_report(ctx.dir / "errors.jsonl", ctx.dir / report)
    result = {**stats.as_dict(), "mode": mode, "errors_sample": errors.sample}
    if cancelled:
        return JobOutcome(JobState.CANCELLED, [text("exchange.cancelled_after_batch"), _summary(stats, mode, True)],
                          result, error_report=report)
    if mode == "all" and stats.error_rows:
        return JobOutcome(JobState.FAILED, [text("exchange.nothing_imported"), _summary(stats, mode, False)], result,
                          error_report=report)
    if stats.rows == 0:
        return JobOutcome(JobState.FAILED, text("exchange.no_rows"), result)
    return JobOutcome(JobState.SUCCEEDED, _summary(stats, mode, True), result, error_report=report)
