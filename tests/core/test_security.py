"""Production-safe defaults: headers, cookies and a required secret key (sign-in limits: tests/accounts/test_ratelimits.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SRC = Path(__file__).resolve().parents[2] / "src"


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "sprints:list"])
def test_pages_send_csp_and_frame_headers(client, url_name):
    response = client.get(reverse(url_name))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_api_errors_carry_the_frame_header_too(client):
    assert client.get("/api/v1/me")["X-Frame-Options"] == "DENY"


@override_settings(SESSION_COOKIE_SECURE=True, CSRF_COOKIE_SECURE=True)
def test_cookies_are_secure_when_https_is_on(client):
    UserFactory(email="secure@example.org")
    response = client.get(reverse("account_login"))
    assert response.cookies["csrftoken"]["secure"]
    response = client.post(
        reverse("account_login"), {"login": "secure@example.org", "password": "correct horse battery staple"}
    )
    assert response.cookies["sessionid"]["secure"]
    assert response.cookies["sessionid"]["httponly"]


def _load_settings(extra_env: dict) -> subprocess.CompletedProcess:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "sprintlab.settings",
        **extra_env,
    }
    code = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, settings.DEBUG)"
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_settings_refuse_to_load_without_a_secret_key():
    result = _load_settings({})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_settings_refuse_to_load_without_a_secret_key_under_pytest_too():
    """Production settings never relax themselves for tests: those have sprintlab.settings_test."""
    result = _load_settings({"PYTEST_VERSION": "8.4.0"})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_settings_keep_production_hashing_tasks_and_static_files_under_pytest():
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(SRC),
        "DJANGO_SETTINGS_MODULE": "sprintlab.settings",
        "SECRET_KEY": "x" * 50,
        "PYTEST_VERSION": "8.4.0",
    }
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.PASSWORD_HASHERS[0], settings.TASKS['default']['BACKEND'], "
        "settings.STORAGES['staticfiles']['BACKEND'], settings.ACCOUNT_RATE_LIMITS is not False)"
    )
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django_tasks_db.DatabaseBackend",
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "True",
    ]


def test_production_settings_have_secure_cookies_and_no_debug():
    result = _load_settings({"SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True", "False"]


def test_dev_mode_loads_without_a_secret_key():
    result = _load_settings({"SPRINTLAB_DEV": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False", "True"]
