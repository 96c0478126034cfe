"""Background jobs: long work (imports of 100,000+ rows) runs outside the request, with progress and cancel.

A job is placed in the tree by ``org_path`` (the organization it works on), so the scoped queryset
shows a user only the jobs of their subtree; national administrators see all of them. Progress
columns (``done``, ``total``, ``heartbeat``, ``cursor``) are derived bookkeeping and not audited;
state changes and cancel requests are.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AuditedModel, AuditedQuerySet
from core.phrases import render


class JobState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


FINISHED_STATES = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)


class Job(AuditedModel):
    kind = models.CharField(_("kind"), max_length=64)
    label = models.CharField(_("description"), max_length=200, blank=True)
    params = models.JSONField(_("parameters"), default=dict)
    state = models.CharField(_("state"), max_length=16, choices=JobState.choices, default=JobState.QUEUED)
    done = models.PositiveBigIntegerField(_("done"), default=0)
    total = models.PositiveBigIntegerField(_("total"), null=True, blank=True)
    message = models.TextField(_("message"), blank=True)
    # The description and the message as code + parameters (core.phrases), rendered in the reader's language;
    # ``label`` and ``message`` keep the text in the author's language (older jobs have only those).
    label_text = models.JSONField(_("description (code)"), null=True, blank=True)
    message_text = models.JSONField(_("message (code)"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.CharField(_("result file"), max_length=255, blank=True)
    error_report = models.CharField(_("error report"), max_length=255, blank=True)
    cancel_requested = models.BooleanField(_("cancel requested"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("started by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    org_path = models.CharField(_("organization path"), max_length=252, blank=True, default="")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    heartbeat = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    cursor = models.JSONField(default=dict, blank=True)
    worker = models.CharField(max_length=64, blank=True)

    scope_path_field = "org_path"
    # Jobs so far work on the member registry: who may see the members of a subtree sees its jobs.
    scope_permission_model = "members.member"
    scope_check_on_write = False  # enqueue_job checks the scope; the worker writes as the system
    # ``params`` hold server paths and the request's details, ``label`` the description in the author's language
    # (the trail shows the job by its description in the reader's language: ``audit_repr_is_text``).
    audit_exclude = {"done", "total", "heartbeat", "cursor", "message", "message_text", "label", "label_text",
                     "params", "worker", "result"}
    audit_repr_is_text = True
    objects = AuditedQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "id"], name="job_state_idx"),
            models.Index(fields=["org_path"], opclasses=["varchar_pattern_ops"], name="job_orgpath_idx"),
        ]

    def __str__(self) -> str:
        return self.shown_label or self.kind

    def audit_text(self) -> str:
        return str(self)

    @staticmethod
    def audit_value(name: str, value: Any) -> str | None:
        """How the trail shows a stored value of a job: its kind by the kind's label; None: as usual."""
        if name == "kind" and isinstance(value, str):
            from jobs.registry import kind_label

            return kind_label(value)
        return None

    @property
    def shown_label(self) -> str:
        """The description in the reader's language."""
        return render(self.label_text) if self.label_text else self.label

    @property
    def shown_message(self) -> str:
        """The message in the reader's language."""
        return render(self.message_text) if self.message_text else self.message

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))
