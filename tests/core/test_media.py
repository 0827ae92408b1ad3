"""Uploaded files (covers, logos) are served at MEDIA_URL only when the app is told to serve them."""

import importlib

import pytest
from django.test import Client
from django.urls import clear_url_caches


@pytest.fixture
def reload_urls():
    import sprintlab.urls

    yield lambda: (clear_url_caches(), importlib.reload(sprintlab.urls))
    clear_url_caches()
    importlib.reload(sprintlab.urls)


def test_media_is_served_when_serve_media_is_on(client, settings, tmp_path, reload_urls):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "partners").mkdir()
    (tmp_path / "partners" / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.SERVE_MEDIA = True
    reload_urls()
    response = client.get("/media/partners/logo.png")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    outside = Client(raise_request_exception=False).get("/media/%2E%2E/settings.py")
    assert outside.status_code in (400, 404)  # never a file outside MEDIA_ROOT
    assert "Content-Security-Policy" in response


def test_media_is_not_served_by_default_in_production(client, settings, tmp_path, reload_urls):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    settings.SERVE_MEDIA = False
    reload_urls()
    assert client.get("/media/logo.png").status_code == 404


def test_production_settings_serve_media_only_when_asked(monkeypatch):
    import subprocess
    import sys

    code = "import django; django.setup(); from django.conf import settings; print(settings.SERVE_MEDIA)"
    env = {"DJANGO_SETTINGS_MODULE": "sprintlab.settings", "SECRET_KEY": "x", "PATH": "/usr/bin"}
    run = lambda **extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", code], env={**env, **extra}, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert run() == "False"
    assert run(SERVE_MEDIA="1") == "True"
    assert run(SPRINTLAB_DEV="1") == "True"
    assert run(SERVE_MEDIA="1", AWS_STORAGE_BUCKET_NAME="covers") == "False"
