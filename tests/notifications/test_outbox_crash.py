"""Real ``sprintlab task-worker`` processes delivering batches on PostgreSQL, all killed with SIGKILL
half-way and restarted: no email is lost, and an email goes out again only if it was claimed by a
killed worker's batch and not yet recorded as sent (docs/outbox.md), with its Message-ID unchanged.

Uses the outbox benchmark's machinery (benchmarks/outbox.py) on a database of its own, next to the
test database.
"""

import os
from urllib.parse import urlsplit, urlunsplit

import pytest

from benchmarks.outbox import crash

pytestmark = pytest.mark.postgres
MESSAGES = 600
WORKERS = 2
BATCH = 50


@pytest.fixture
def database_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_outbox_crash"))


def test_workers_killed_half_way_lose_nothing_and_repeat_only_their_unrecorded_batch(database_url, tmp_path):
    report = crash(
        database_url=database_url, messages=MESSAGES, workers=WORKERS, directory=tmp_path, log=lambda *_: None
    )
    assert MESSAGES // 2 <= report.killed_after < MESSAGES
    assert report.missing == 0
    # Each delivery beyond the first is of an email a killed worker had claimed (its attempt 1
    # never recorded), at most one batch per killed worker.
    assert report.repeated_outside_a_send == 0
    assert report.repeated <= WORKERS * BATCH
    assert report.deliveries == MESSAGES + report.repeated
