"""Real ``sprintlab task-worker`` processes delivering batches of announcement emails on PostgreSQL,
all killed with SIGKILL several times and restarted: no email is sent twice, and none is lost but a
message "in doubt" — the one a killed batch may have been sending, failed rather than resent
(docs/outbox.md) — at most one per killed worker.

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
# Both workers are killed four times, at moments the machine's load decides: eight deaths give a
# rare race between a send and its record several chances to show (a run takes about a minute and a
# half on the busy 2-core machine, most of it migrating the database and starting workers).
KILLS = 4


@pytest.fixture
def database_url():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://…")
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "_outbox_crash"))


def test_workers_killed_mid_run_send_no_announcement_twice_and_lose_none_but_those_in_doubt(database_url, tmp_path):
    report = crash(
        database_url=database_url,
        messages=MESSAGES,
        workers=WORKERS,
        kills=KILLS,
        directory=tmp_path,
        log=lambda *_: None,
    )
    assert len(report.killed_after) == KILLS and report.killed_after[-1] < MESSAGES
    assert report.duplicates == 0, report
    assert report.missing == 0, report
    assert report.other_failures == 0, report
    assert report.in_doubt <= KILLS * WORKERS, report
    # Every message went out exactly once, except in-doubt ones the killed worker had not sent.
    assert report.deliveries == MESSAGES - (report.in_doubt - report.in_doubt_delivered), report
    assert report.ok
