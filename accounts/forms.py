from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's login form; the labels are ours so that every language says the same."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["password"].label = _("Password")


class PartyPasswordChangeForm(PasswordChangeForm):
    """Validates like Django's form; saving goes through ``accounts.services.change_password``."""

    def save(self, commit=True):  # pragma: no cover - the view saves through the service
        raise NotImplementedError("use accounts.services.change_password")


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    next = forms.CharField(required=False, widget=forms.HiddenInput)
