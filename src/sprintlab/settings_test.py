"""Settings for the test suite: the production settings, then what tests change.

pytest loads this module (``DJANGO_SETTINGS_MODULE`` in pyproject.toml), and the servers and workers
tests start in subprocesses inherit it through the environment. Production settings never look at
whether tests are running: everything tests relax is here.
"""

import os
import tempfile
from pathlib import Path

# Production settings refuse to load without a key; this one exists only in test processes.
os.environ.setdefault("SECRET_KEY", "insecure-test-key-never-use-in-production")

from sprintlab.settings import *  # noqa: F403
from sprintlab.settings import ACCOUNT_RATE_LIMITS, STORAGES

# Fast hashing; tasks run in-process so outbox deliveries are visible to assertions.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = False
# Off for speed; the tests of the limits turn the production ones back on.
PRODUCTION_ACCOUNT_RATE_LIMITS, ACCOUNT_RATE_LIMITS = ACCOUNT_RATE_LIMITS, False
# Tests serve static files through the finders; nothing is collected, so WhiteNoise has no root.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
STATIC_ROOT = None
SPRINT_STATS_CACHE_SECONDS = 0
SHARED_FRAGMENT_SECONDS = 0  # as for the page cache; tests/core/test_shared_fragments.py turns it on
PERSONAL_FRAGMENT_SECONDS = 0  # the same; tests/core/test_personal_fragments.py turns it on
PUBLIC_PAGE_CACHE = False  # query-count tests must see the real work; tests/core/test_cache.py turns it on
# Uploads and the demo's pictures go to a folder outside the work tree, served by the app (as
# `make run` does) so that pages in the browser tests show them.
MEDIA_ROOT = Path(tempfile.gettempdir()) / "sprintlab-test-media"
SERVE_MEDIA = True
# Submitted files: a private folder outside the work tree, like MEDIA_ROOT.
PRIVATE_MEDIA_ROOT = Path(tempfile.gettempdir()) / "sprintlab-test-private"
STORAGES["private"] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
}
# Tests post chat webhooks to a small HTTP server they start on 127.0.0.1.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = True
INBOX_POLL_SECONDS = 2  # the browser test waits for the badge to update without a reload
