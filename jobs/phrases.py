"""The sentences the job machinery stores (core.phrases): rendered in the reader's language."""

from django.utils.translation import gettext_lazy as _

from core.phrases import phrase

phrase("jobs.cancelled", _("Cancelled."))
phrase("jobs.cancelled_before_start", _("Cancelled before it started."))
phrase("jobs.cancelled_in_batch", _("Cancelled; nothing of the unfinished batch was written."))
phrase("jobs.internal_error", _("The job stopped because of an internal error. Nothing of the unfinished batch was "
                                "written; the administrators can see the details in the server log."))
phrase("jobs.worker_stopped", _("The job was stopped: its worker stopped %(n)d times."))
