from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.pickers import OrganizationChoiceField, PickerFormMixin
from exchange.limits import LimitExceeded, check_archive, check_text_size

DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


class ImportForm(PickerFormMixin, forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    mode = forms.ChoiceField(label=_("If some rows have errors"), initial="all", widget=forms.RadioSelect, choices=[
        ("all", _("Import nothing (all or nothing)")),
        ("valid", _("Import the valid rows and report the others")),
    ])
    organization = OrganizationChoiceField(label=_("Import into"), scope_model="members.Member", action="add",
                                           active_only=False, help_text=_(
                                               "Every row's organization must be this organization or one under it."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > max_upload_bytes():
            raise forms.ValidationError(_("The file is larger than %(mb)d MB. Split it into several files.")
                                        % {"mb": max_upload_bytes() // (1024 * 1024)})
        name = (upload.name or "").lower()
        if not name.endswith((".xlsx", ".csv", ".txt", ".xlsm", ".xls")):
            raise forms.ValidationError(_("This file type cannot be imported. Use the Excel template (.xlsx) or a "
                                          "CSV file (UTF-8)."))
        try:  # refused at once, before a job is queued (the job checks again: the CLI has no form)
            if name.endswith((".xlsx", ".xlsm")):
                check_archive(upload)
            else:
                check_text_size(upload.size)
        except LimitExceeded as exc:
            raise forms.ValidationError(exc.message) from None
        return upload


class StatisticsForm(PickerFormMixin, forms.Form):
    organization = OrganizationChoiceField(label=_("Organization"), scope_model="members.Member", active_only=False,
                                           help_text=_("The tables list the organizations directly under this one."))
