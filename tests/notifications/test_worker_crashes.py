"""Real ``sprintlab task-worker`` processes, killed with SIGKILL, against a loopback SMTP server.

Each test gets its own SQLite file (copied from one migrated once per module) and short timings:
tasks are abandoned after 2 s without a heartbeat, the sending lease is 4 s, EMAIL_TIMEOUT 1-3 s.
A message a worker died sending is "in doubt" (docs/outbox.md): resent if transactional (most of
these tests), failed rather than resent for any other kind (an announcement).
"""

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.notifications.smtp_server import LoopbackSMTPServer

ABANDONED_AFTER = 2
LEASE = 4


def wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out after {timeout} s waiting for {what}")
        time.sleep(0.02)


class Site:
    """One SprintLab installation on a SQLite file, with its SMTP server and worker processes."""

    def __init__(self, directory: Path, template_db: Path, smtp: LoopbackSMTPServer, email_timeout: float = 1):
        self.directory = directory
        self.db = directory / "sprintlab.sqlite3"
        shutil.copy(template_db, self.db)
        self.smtp = smtp
        self.env = {
            **base_env(directory),
            "SQLITE_PATH": str(self.db),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(smtp.port),
            "EMAIL_USE_TLS": "0",
            "EMAIL_TIMEOUT": str(email_timeout),
            "OUTBOX_LEASE_SECONDS": str(LEASE),
            "TASK_ABANDONED_AFTER_SECONDS": str(ABANDONED_AFTER),
            # One email per task, so that the email a worker died sending is the only one in doubt;
            # batches of emails after a SIGKILL: tests/notifications/test_outbox_crash.py.
            "OUTBOX_BATCH_SIZE": "1",
        }
        self.workers: list[subprocess.Popen] = []

    def sprintlab(self, *args: str) -> None:
        subprocess.run(
            [sys.executable, "-m", "sprintlab.cli", *args], env=self.env, check=True, timeout=60, capture_output=True
        )

    def enqueue(self, count: int, kind: str = "transactional") -> None:
        self.sprintlab(
            "shell",
            "-c",
            "from django.db import transaction\n"
            "from sprintlab.notifications.services import outbox_enqueue\n"
            "with transaction.atomic():\n"
            f"    for n in range({count}):\n"
            "        outbox_enqueue(key=f'load:{n}', to_email=f'p{n}@example.org', subject=f'Message {n}',"
            f" body_text='Hello', fresh_key=True, kind={kind!r})\n",
        )

    def start_worker(self, *options: str) -> subprocess.Popen:
        log = open(self.directory / f"worker-{len(self.workers)}.log", "wb")  # closed in stop()
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "sprintlab.cli",
                "task_worker",
                "--no-startup-delay",
                "--interval",
                "0.05",
                *options,
            ],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker.log = log
        self.workers.append(worker)
        return worker

    def start_worker_and_wait_until_it_beats(self, *options: str) -> float:
        """Start a worker; return the moment its first heartbeat was seen.

        Deadlines are counted from there, not from the process's start: on a busy machine importing
        Django alone can take several seconds, which says nothing about recovery.
        """
        worker = self.start_worker(*options)
        wait_for(
            lambda: self.query(f"SELECT 1 FROM core_taskworkerheartbeat WHERE pid = {worker.pid}"),
            timeout=60,
            what="the worker's first heartbeat",
        )
        return time.monotonic()

    def kill(self, worker: subprocess.Popen) -> None:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
            worker.log.close()

    def query(self, sql: str) -> list[tuple]:
        with sqlite3.connect(self.db, timeout=10) as db:
            return db.execute(sql).fetchall()

    def outbox(self) -> dict[int, tuple[str, int]]:
        return {pk: (status, attempts) for pk, status, attempts in self.query(OUTBOX_SQL)}

    def task_statuses(self) -> Counter:
        return Counter(dict(self.query("SELECT status, COUNT(*) FROM django_tasks_database_dbtaskresult GROUP BY 1")))

    def all_sent_and_settled(self, *, settled_statuses=("sent",)) -> bool:
        tasks = self.task_statuses()
        return (
            all(status in settled_statuses for status, _attempts in self.outbox().values())
            and not tasks["RUNNING"]
            and not tasks["READY"]
        )


OUTBOX_SQL = "SELECT id, status, attempts FROM notifications_outboxmessage"


def base_env(directory: Path) -> dict[str, str]:
    # The production settings, not the test settings: the worker must use the database task backend.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    return {
        **env,
        "DJANGO_SETTINGS_MODULE": "sprintlab.settings",
        "SECRET_KEY": "test",
        "SPRINTLAB_VAR_DIR": str(directory),
        "TASKS_BACKEND": "database",
    }


@pytest.fixture(scope="module")
def template_db(tmp_path_factory):
    directory = tmp_path_factory.mktemp("migrated")
    db = directory / "sprintlab.sqlite3"
    subprocess.run(
        [sys.executable, "-m", "sprintlab.cli", "migrate", "--no-input", "-v", "0"],
        env={**base_env(directory), "SQLITE_PATH": str(db)},
        check=True,
        timeout=120,
    )
    return db


@pytest.fixture
def smtp():
    server = LoopbackSMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def make_site(tmp_path, template_db, smtp):
    sites = []

    def make(**kwargs) -> Site:
        sites.append(Site(tmp_path, template_db, smtp, **kwargs))
        return sites[-1]

    yield make
    for site in sites:
        site.stop()


def test_killed_workers_lose_no_transactional_email_and_repeat_only_the_one_killed_inside_its_send(make_site, smtp):
    messages = 40
    site = make_site()
    site.enqueue(messages)
    smtp.reply_delay = 0.05  # a slow server: kills at random moments land inside a send too
    accepted_at_each_death, killed_inside_the_send = [], []
    for round_number in range(4):
        worker = site.start_worker("--maintenance-interval", "1", "--sweep-older-than", "3600")
        before = smtp.accepted_count()
        wait_for(lambda: smtp.accepted_count() > before, timeout=30, what="the worker to send")  # noqa: B023
        if len(set(smtp.accepted)) >= messages - 2:
            break  # a very busy machine let the worker run ahead: nothing left to kill it over
        inside_the_send = round_number % 2 == 0
        if inside_the_send:
            # The server has the message but has not said 250: the worker is inside the send.
            smtp.hold_replies_from_now()
            wait_for(smtp.holding.is_set, timeout=10, what="a message waiting for its 250")
        site.kill(worker)
        accepted_at_each_death.append(smtp.accepted_count())
        if inside_the_send:
            killed_inside_the_send.append(smtp.accepted[-1])
            smtp.release_replies()

    started = site.start_worker_and_wait_until_it_beats("--maintenance-interval", "1", "--sweep-older-than", "3600")
    wait_for(site.all_sent_and_settled, timeout=40, what="every message sent and no task left running")
    # Dead workers' tasks wait ABANDONED_AFTER, messages caught inside a send wait for their lease.
    assert time.monotonic() - started < LEASE + ABANDONED_AFTER + 15

    outbox = site.outbox()
    deliveries = Counter(smtp.accepted)
    assert set(deliveries) == {f"<outbox-{pk}@sprintlab>" for pk in outbox}  # every message at least once
    repeated = {message_id for message_id, count in deliveries.items() if count > 1}
    # A message went out twice only if a worker died while sending it: it was the last message the
    # server had accepted when that worker died (one worker sends one message at a time).
    last_accepted_before_a_death = {smtp.accepted[count - 1] for count in accepted_at_each_death if count}
    assert repeated <= last_accepted_before_a_death
    assert set(killed_inside_the_send) <= repeated  # ...and such a message is sent again, same Message-ID
    assert killed_inside_the_send


def test_an_announcement_whose_worker_was_killed_inside_its_send_is_failed_not_sent_again(make_site, smtp):
    site = make_site()
    site.enqueue(3, kind="announcement")
    smtp.hold_replies_from_now()  # the server takes the first message and keeps its 250
    worker = site.start_worker("--no-maintenance")
    wait_for(smtp.holding.is_set, timeout=30, what="a message waiting for its 250")
    site.kill(worker)
    smtp.release_replies()
    [in_doubt] = smtp.accepted

    started = site.start_worker_and_wait_until_it_beats("--maintenance-interval", "1", "--sweep-older-than", "3600")
    wait_for(
        lambda: site.all_sent_and_settled(settled_statuses=("sent", "failed")),
        timeout=40,
        what="the other messages sent and the one in doubt failed",
    )
    assert time.monotonic() - started < LEASE + ABANDONED_AFTER + 15
    assert sorted(smtp.accepted) == [f"<outbox-{pk}@sprintlab>" for pk in (1, 2, 3)]  # each once
    outbox = site.outbox()
    assert outbox[int(in_doubt.split("-")[1].split("@")[0])] == ("failed", 1)
    assert sorted(outbox.values()) == [("failed", 1), ("sent", 1), ("sent", 1)]
    [(error, flag)] = site.query("SELECT last_error, in_doubt FROM notifications_outboxmessage WHERE status = 'failed'")
    assert flag and "not resent so that nobody receives it twice" in error


def test_a_task_left_running_by_a_killed_worker_runs_again_without_the_sweep(make_site, smtp):
    """The state ``kill -9`` leaves after a worker claimed a task and before it touched the message."""
    site = make_site()
    site.enqueue(1)
    site.query(
        "UPDATE django_tasks_database_dbtaskresult SET status = 'RUNNING', started_at = datetime('now'),"
        " worker_ids = '[\"killed-worker\"]'"
    )
    assert site.outbox() == {1: ("queued", 0)}
    started = site.start_worker_and_wait_until_it_beats("--no-maintenance")
    wait_for(site.all_sent_and_settled, timeout=30, what="the abandoned task to run again")
    assert time.monotonic() - started < ABANDONED_AFTER + 10
    assert smtp.accepted == ["<outbox-1@sprintlab>"]
    [(worker_ids,)] = site.query("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
    assert "killed-worker" in worker_ids


def test_a_stalled_mail_server_holds_no_database_lock_and_the_message_is_retried(make_site, smtp):
    site = make_site(email_timeout=3)
    site.enqueue(3)
    smtp.stall_next = True
    site.start_worker("--maintenance-interval", "1", "--sweep-older-than", "1")
    wait_for(smtp.stalled.is_set, timeout=30, what="the worker to reach the stalled server")
    # While the worker waits for the server, anybody can write: it holds no transaction.
    with sqlite3.connect(site.db, timeout=0.5, isolation_level=None) as db:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    wait_for(site.all_sent_and_settled, timeout=40, what="every message sent after the stall")
    assert sorted(smtp.accepted) == [f"<outbox-{pk}@sprintlab>" for pk in (1, 2, 3)]
    assert sorted(attempts for _status, attempts in site.outbox().values()) == [1, 1, 2]
