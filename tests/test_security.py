"""Login throttling, CSRF, headers, cookies: the personal data of millions sits behind these."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from audit.models import AuditRecord
from tests import factories

pytestmark = pytest.mark.django_db


def test_repeated_failed_logins_lock_the_account(world, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    url = reverse("login")
    for _ in range(3):
        client.post(url, {"username": "a_secretary", "password": "wrong-password"})
    locked = client.post(url, {"username": "a_secretary", "password": factories.PASSWORD})
    assert locked.status_code in (403, 429)
    assert "_auth_user_id" not in client.session
    assert AuditRecord.objects.filter(event="login_failed", actor_label="a_secretary").count() >= 3


def test_successful_login_is_audited(world, settings):
    settings.AXES_ENABLED = True
    client = Client()
    response = client.post(reverse("login"), {"username": "a_secretary", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert AuditRecord.objects.filter(event="login", actor=world.a_secretary).exists()


def test_csrf_is_enforced_on_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.a_secretary)
    member = world.a.members[0]
    response = client.post(reverse("members:edit", args=[member.pk]), {"full_name": "X"})
    assert response.status_code == 403


def test_security_headers_and_cookies(world):
    client = Client()
    response = client.get(reverse("login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert settings.SESSION_COOKIE_HTTPONLY


def test_pages_need_login(world):
    response = Client().get(reverse("members:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_no_secrets_in_the_repository():
    root = Path(settings.BASE_DIR)
    tracked = subprocess.run(["git", "ls-files"], cwd=root, capture_output=True, text=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    pattern = re.compile(
        r"(SECRET_KEY\s*=\s*['\"][^'\"]{20,}|BEGIN (RSA|EC|OPENSSH) PRIVATE KEY|password\s*=\s*['\"][^'\"]{12,}['\"])"
    )
    offenders = []
    for name in tracked:
        path = root / name
        if path.suffix in {".py", ".txt", ".toml", ".cfg", ".ini", ".env", ".sh", ".yml", ".yaml", ".json"}:
            if name.startswith("tests/"):
                continue
            text = path.read_text(errors="ignore")
            if pattern.search(text):
                offenders.append(name)
    assert not offenders, offenders
    assert "var/" in (root / ".gitignore").read_text()


# --- client address and lockout of API clients ------------------------------------------------------------------


def _audited_ip(world, **meta) -> str | None:
    """Change a member through the API with these request headers; the IP its audit record carries."""
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(world.a_secretary)
    member = world.a.members[1]
    member.refresh_from_db()
    response = client.patch(f"/api/members/{member.pk}/", {"lock_version": member.lock_version,
                                                           "home_town": f"Hạ Long {member.lock_version}"},
                            format="json", **meta)
    assert response.status_code == 200, response.content
    return AuditRecord.objects.filter(object_id=str(member.pk), event="update").latest("pk").ip


def test_without_a_proxy_the_forwarded_header_is_ignored(world, settings):
    settings.BEHIND_PROXY = False
    ip = _audited_ip(world, REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert ip == "198.51.100.9"


def test_behind_the_proxy_the_address_it_appended_is_recorded_not_the_forged_one(world, settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged "6.6.6.6"; our proxy (10.0.0.2) appended the address it really saw.
    ip = _audited_ip(world, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert ip == "203.0.113.7"
    settings.TRUSTED_PROXY_COUNT = 2  # two proxies of ours: the outer one appended the client's address
    ip = _audited_ip(world, REMOTE_ADDR="10.0.0.3", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.8, 10.0.0.2")
    assert ip == "203.0.113.8"
    # Fewer entries than proxies: the request did not come through them all; the socket's address it is.
    assert _audited_ip(world, REMOTE_ADDR="10.0.0.4", HTTP_X_FORWARDED_FOR="6.6.6.6") == "10.0.0.4"


def test_a_forged_forwarded_header_does_not_escape_the_login_lockout(world, settings):
    """Rotating the first X-Forwarded-For value must not give a password guesser a fresh address each time."""
    from axes.models import AccessAttempt

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    settings.BEHIND_PROXY = True
    client = Client()
    url = reverse("login")
    for i in range(3):
        client.post(url, {"username": "a_secretary", "password": "wrong-password"},
                    REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=f"6.6.6.{i}, 203.0.113.7")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    locked = client.post(url, {"username": "a_secretary", "password": factories.PASSWORD},
                         REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.99, 203.0.113.7")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_locked_out_api_client_gets_json(world, settings):
    from rest_framework.test import APIClient

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = APIClient()
    codes = [client.post("/api/auth/token/", {"username": "a_secretary", "password": "wrong-password"},
                         format="json").status_code for _ in range(3)]
    assert codes[0] == 400
    locked = client.post("/api/auth/token/", {"username": "a_secretary", "password": factories.PASSWORD},
                         format="json")
    assert locked.status_code == 429
    assert locked["Content-Type"].startswith("application/json")
    assert "Too many failed attempts" in locked.json()["detail"]
    assert int(locked["Retry-After"]) > 0
    # People still get the page.
    page = Client().post(reverse("login"), {"username": "a_secretary", "password": factories.PASSWORD})
    assert page.status_code == 429 and page["Content-Type"].startswith("text/html")
    assert b"Account temporarily locked" in page.content
