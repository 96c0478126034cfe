from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests import factories

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its browser here: drive Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@dataclass
class World:
    central: object
    a: factories.Province
    b: factories.Province
    admin: object
    a_secretary: object
    a_viewer: object
    b_secretary: object


@pytest.fixture
def world(db) -> World:
    """Two provinces: A (Quảng Ninh-like) and B, whose names carry the marker 'Zeta' so leaks are easy to spot."""
    central = factories.central()
    a = factories.province(central, "T22", "Quảng Ninh", ["Nguyễn Văn Đức", "Trần Thị Hoa", "Lê Minh An",
                                                         "Phạm Đức Anh"])
    b = factories.province(central, "T45", "Zetaprovince", ["Zetamember Nguyễn Văn", "Zetamember Trần Thị"])
    admin = factories.create_user(None, username="root", password=factories.PASSWORD, organization=None,
                                  is_superuser=True)
    return World(
        central=central, a=a, b=b, admin=admin,
        a_secretary=factories.user_with_role("a_secretary", "secretary", a.org),
        a_viewer=factories.user_with_role("a_viewer", "viewer", a.cells[0]),
        b_secretary=factories.user_with_role("zetauser", "secretary", b.org),
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is Django's business; tests need not pay for it on every user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read messages in English unless they choose a language; the installation default is Vietnamese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
