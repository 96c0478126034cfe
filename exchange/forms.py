from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.scope import path_in_scope
from exchange.limits import LimitExceeded, check_archive, check_text_size
from members.models import Member
from orgs.models import Organization

DEFAULT_MAX_UPLOAD_MB = 200


def max_upload_bytes() -> int:
    return int(getattr(settings, "EXCHANGE_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1024 * 1024


class ScopedOrgCodeField(forms.CharField):
    """An organization typed by its code; one outside the user's scope is reported as unknown."""

    def __init__(self, *args, perm: str = "view", **kwargs):
        self.perm = perm
        self.user = None
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        code = super().clean(value).strip()
        org = Organization.objects.filter(code=code).first()
        if org is None or not org.path or not path_in_scope(self.user, Member, self.perm, org.path):
            raise forms.ValidationError(_("No organization with this code among those you are responsible for."))
        return org


class ImportForm(forms.Form):
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    mode = forms.ChoiceField(label=_("If some rows have errors"), initial="all", widget=forms.RadioSelect, choices=[
        ("all", _("Import nothing (all or nothing)")),
        ("valid", _("Import the valid rows and report the others")),
    ])
    organization = ScopedOrgCodeField(label=_("Import into (organization code)"), perm="add", help_text=_(
        "Every row's organization must be this organization or one under it."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = user

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


class StatisticsForm(forms.Form):
    organization = ScopedOrgCodeField(label=_("Organization code"), perm="view", help_text=_(
        "The tables list the organizations directly under this one."))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].user = user
