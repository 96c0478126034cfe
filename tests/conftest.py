from __future__ import annotations

import pytest

from tests import factories

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Playwright cannot download its browser here: drive Debian's Chromium."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def world(db) -> factories.World:
    """Two provinces: A (Quảng Ninh-like) and B, whose names carry the marker 'Zeta' so leaks are easy to spot."""
    return factories.build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing strength is Django's business; tests need not pay for it on every user."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _static_without_collectstatic(settings):
    """The suite runs from a clean clone, without `collectstatic`: plain static names, files from the source.

    The installation's fingerprinted, compressed storage is tested on its own (tests/test_static.py).
    """
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}


@pytest.fixture(autouse=True)
def _empty_cache(request):
    """Figures kept for the day (core.charts.daily) belong to the test that computed them. The cache may be the
    database's table (config/caches.py), so only a test with database access has one to empty, once it has it."""
    from django.core.cache import cache

    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names or "django_db_reset_sequences" in names or request.node.get_closest_marker("django_db"):
        marker = request.node.get_closest_marker("django_db")
        transaction = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        request.getfixturevalue("transactional_db" if transaction else "db")
    else:
        yield
        return
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_by_default(settings):
    """Tests read messages in English unless they choose a language; the installation default is Vietnamese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def job_files(settings, tmp_path):
    """Jobs keep their files in the test's folder and run when the test runs them, not in a thread."""
    settings.JOBS_DIR = tmp_path / "jobs"
    settings.JOBS_INLINE = False


@pytest.fixture
def small_import_batches(job_files, settings):
    """Batches of three rows, so a small file spans several batches (checkpoints, cancel between batches)."""
    settings.EXCHANGE_BATCH_SIZE = 3


@pytest.fixture(autouse=True)
def _rules_from_the_database():
    """Each test reads the rules as its database holds them (a version a past test added was rolled back)."""
    from core import rules

    rules.reset()
    yield
    rules.reset()


@pytest.fixture
def busy_world(world) -> factories.World:
    """The two provinces, with open work of every kind in province B for route walkers to aim at."""
    return factories.busy_world(world)
