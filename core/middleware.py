"""Request context for the audit trail, per-user language, and security headers."""

from __future__ import annotations

from django.conf import settings

from core.actions import RequestInfo, reset_request_info, set_request_info


def client_ip(request) -> str | None:
    """The caller's address as our own proxies saw it, for the audit trail and the login lockout.

    Without ``BEHIND_PROXY`` the only address nobody can forge is the socket's (``REMOTE_ADDR``). Behind
    ``TRUSTED_PROXY_COUNT`` proxies, each appends the address it received the request from to
    ``X-Forwarded-For``; the entries on the left were written by the client and can say anything, so the address
    is the one our outermost proxy appended: the ``TRUSTED_PROXY_COUNT``-th from the right.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    if not getattr(settings, "BEHIND_PROXY", False):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    if len(hops) < count:
        return remote  # the request did not come through all our proxies
    return hops[-count][:45] or remote


def axes_client_ip(request) -> str | None:
    """django-axes locks out by the same address the audit records (``AXES_CLIENT_IP_CALLABLE``)."""
    return client_ip(request)


class RequestContextMiddleware:
    """Makes the caller's address known to every action run while serving the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_request_info(
            RequestInfo(ip=client_ip(request), user_agent=request.META.get("HTTP_USER_AGENT", "")[:255])
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_info(token)


class UserLanguageMiddleware:
    """A user's chosen language is kept in the session (set at login and by the switcher)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        lang = request.session.get("_language") if hasattr(request, "session") else None
        if lang and lang in dict(settings.LANGUAGES):
            request.COOKIES.setdefault(settings.LANGUAGE_COOKIE_NAME, lang)
            request.COOKIES[settings.LANGUAGE_COOKIE_NAME] = lang
        return self.get_response(request)


CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith("/api/docs"):
            response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store, private")
        return response
