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
