"""The ``members.import`` job: read the uploaded file, validate, write, report (see exchange/importer.py)."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from exchange.importer import ErrorLog, MemberImporter, Stats
from exchange.readers import FileProblem, open_table
from exchange.reports import write_error_report
from jobs.models import JobState
from jobs.registry import job_handler
from jobs.services import Cancelled, JobContext, JobFailed, JobOutcome
from orgs.models import Organization

IMPORT_KIND = "members.import"


def _summary(stats: Stats, mode: str, written: bool) -> str:
    parts = [ngettext("%(n)s row read", "%(n)s rows read", stats.rows) % {"n": f"{stats.rows:,}"}]
    if written:
        parts.append(ngettext("%(n)s member registered", "%(n)s members registered", stats.created)
                     % {"n": f"{stats.created:,}"})
    parts.append(ngettext("%(n)s row unchanged (already registered)", "%(n)s rows unchanged (already registered)",
                          stats.unchanged) % {"n": f"{stats.unchanged:,}"})
    if stats.error_rows:
        parts.append(ngettext("%(n)s row with errors", "%(n)s rows with errors", stats.error_rows)
                     % {"n": f"{stats.error_rows:,}"})
    return "; ".join(parts) + "."


@job_handler(IMPORT_KIND, subject="members.Member")
def import_members(job, ctx: JobContext) -> JobOutcome:
    params = job.params
    mode = params.get("mode", "all")
    actor = get_user_model().objects.filter(pk=job.created_by_id).first()
    root = Organization.objects.filter(pk=params.get("root_id")).first()
    if actor is None or root is None or not actor.is_active:
        raise JobFailed(_("The user or the organization of this import no longer exists."))
    source = Path(params["file"])
    if not source.is_file():
        raise JobFailed(_("The uploaded file is no longer available; upload it again."))
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
        return JobOutcome(JobState.CANCELLED, _("Cancelled after a whole batch.") + " " + _summary(stats, mode, True),
                          result, error_report=report)
    if mode == "all" and stats.error_rows:
        return JobOutcome(JobState.FAILED, _("Nothing was imported because some rows have errors. Download the "
                                             "error report, correct the file and import it again.") + " "
                          + _summary(stats, mode, False), result, error_report=report)
    if stats.rows == 0:
        return JobOutcome(JobState.FAILED, _("The file has no data rows."), result)
    return JobOutcome(JobState.SUCCEEDED, _summary(stats, mode, True), result, error_report=report)
