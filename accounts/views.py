"""Login, logout, password change and the language switcher."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponseRedirect
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from django.views.i18n import set_language as django_set_language

from accounts import services
from accounts.forms import LanguageForm, LoginForm, PartyPasswordChangeForm
from core.scope import OutOfScope

logger = logging.getLogger(__name__)


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


class PasswordChangeView(LoginRequiredMixin, auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    form_class = PartyPasswordChangeForm
    success_url = reverse_lazy("dashboard")

    def form_valid(self, form):
        user = self.request.user
        try:
            services.change_password(user, user, form.cleaned_data["new_password1"])
        except OutOfScope:
            form.add_error(None, _("Your password could not be changed here. Ask your committee's office to "
                                   "reset it."))
            return self.form_invalid(form)
        update_session_auth_hash(self.request, user)
        messages.success(self.request, _("Your password has been changed."))
        return HttpResponseRedirect(self.get_success_url())


class LanguageView(LoginRequiredMixin, View):
    """Switch the interface language: Django's cookie, the session, and the user's saved choice."""

    http_method_names = ["post"]

    def post(self, request):
        form = LanguageForm(request.POST)
        next_url = request.POST.get("next") or reverse("dashboard")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
            next_url = reverse("dashboard")
        if not form.is_valid():
            messages.error(request, _("Choose one of the offered languages."))
            return HttpResponseRedirect(next_url)
        language = form.cleaned_data["language"]
        if request.user.language != language:
            try:
                services.set_language(request.user, request.user, language)
            except OutOfScope:
                # The account could not be updated; the choice still holds for this session.
                logger.warning("set_language refused for user %s", request.user.pk)
        request.session["_language"] = language
        response = django_set_language(request)
        if response.status_code not in (301, 302):  # pragma: no cover - django refused; still go back
            response = HttpResponseRedirect(next_url)
        response.set_cookie(settings.LANGUAGE_COOKIE_NAME, language, max_age=settings.LANGUAGE_COOKIE_AGE,
                            path=settings.LANGUAGE_COOKIE_PATH, samesite="Lax",
                            secure=settings.SESSION_COOKIE_SECURE, httponly=False)
        return response
