"""Weight of the pages: collected static files are fingerprinted, precompressed and cached for long; HTML is gzipped.

The suite runs without `collectstatic` (conftest.py); this module collects into a temporary folder with the
installation's storage and asks WhiteNoise for the files as a browser would.
"""

from __future__ import annotations

import gzip

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

MANIFEST_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    """collectstatic once for the module, with the storage config/settings.py installs."""
    from django.test.utils import override_settings

    assert django_settings.STORAGES["staticfiles"]["BACKEND"] == MANIFEST_STORAGE  # what production serves
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, WHITENOISE_USE_FINDERS=False,
                           STORAGES={**django_settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def manifest_static(settings, collected):
    settings.STATIC_ROOT = collected
    settings.WHITENOISE_USE_FINDERS = False
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": MANIFEST_STORAGE}}
    return collected


def test_chart_js_is_served_fingerprinted_compressed_and_cached_for_long(manifest_static):
    url = static("vendor/chart.umd.js")
    assert url != "/static/vendor/chart.umd.js" and url.endswith(".js")  # a content hash in the name
    response = Client().get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert response.status_code == 200
    assert response["Content-Encoding"] in ("gzip", "br")
    assert "immutable" in response["Cache-Control"]
    max_age = int(response["Cache-Control"].split("max-age=")[1].split(",")[0])
    assert max_age >= 365 * 24 * 3600
    body = b"".join(response.streaming_content)
    plain = (manifest_static / url.removeprefix("/static/")).read_bytes()
    if response["Content-Encoding"] == "gzip":
        assert gzip.decompress(body) == plain
    assert len(body) < len(plain) / 2


def test_a_client_without_compression_gets_the_plain_file(manifest_static):
    url = static("css/partywork.css")
    response = Client().get(url)
    assert response.status_code == 200
    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == (manifest_static / url.removeprefix("/static/")).read_bytes()


def test_pages_link_the_fingerprinted_files(manifest_static, world):
    client = Client()
    client.force_login(world.a_secretary)
    page = client.get("/").content.decode()
    assert static("css/partywork.css") in page and "/static/css/partywork.css" not in page


@pytest.mark.django_db
def test_html_is_gzipped_when_the_browser_accepts_it():
    client = Client()
    plain = client.get("/accounts/login/")
    assert plain.status_code == 200 and "Content-Encoding" not in plain
    packed = client.get("/accounts/login/", HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    html = gzip.decompress(packed.content).decode()
    assert 'name="csrfmiddlewaretoken"' in html and len(packed.content) < len(html)
