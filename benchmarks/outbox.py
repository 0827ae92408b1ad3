"""Outbox delivery: how fast ``sprintlab task-worker`` processes send queued emails, and what a
SIGKILL in the middle costs.

Scenario 1 (throughput): N rendered announcement emails (each to its own person, so each carries
its unsubscribe link and headers) are queued with their delivery tasks, then W workers start and
send them to the console ("log") email backend, each worker's output going to its own file. The
rate is N divided by the time between the first and the last ``sent_at``.

Scenario 2 (crash): the same, but when half are sent every worker is killed with SIGKILL, and new
workers are started. Every Message-ID in the workers' logs is counted: none may be missing, and a
message may appear twice only if it was inside its send when its worker died (docs/outbox.md).
"""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from benchmarks.results import Result
from benchmarks.servers import ROOT, recreate_database, server_env, sprintlab

MESSAGE_ID = re.compile(rb"^Message-ID: <outbox-(\d+)@sprintlab>", re.MULTILINE)
RECIPIENT = re.compile(rb"^To: (.+?)\r?$", re.MULTILINE)
TARGET_RATE = 300
# Short recovery timings for the crash scenario: a dead worker's tasks come back after 2 s, a
# message caught inside its send after its 4 s lease (plus the sweep, every second).
CRASH_SETTINGS = {"TASK_ABANDONED_AFTER_SECONDS": "2", "OUTBOX_LEASE_SECONDS": "4"}

ENQUEUE = """
from django.contrib.auth import get_user_model
from django.db import transaction
from sprintlab.notifications.models import NotificationKind
from sprintlab.notifications.services import outbox_enqueue

User = get_user_model()
prefix, count = {prefix!r}, {count}
users = User.objects.bulk_create(
    [User(email=f"{{prefix}}{{n}}@example.org", display_name=f"Person {{n}}") for n in range(count)], batch_size=1000
)
body = "Kickoff moves to 10:00 UTC. The room stays the same.\\n" * 5
for start in range(0, count, 1000):
    with transaction.atomic():
        for user in users[start:start + 1000]:
            outbox_enqueue(
                key=f"bench:{{prefix}}:{{user.pk}}", to_email=user.email, subject="Kickoff moves", body_text=body,
                user=user, kind=NotificationKind.ANNOUNCEMENT, fresh_key=True,
            )
"""


@dataclass
class OutboxSite:
    """A migrated PostgreSQL database, its queued messages and the worker processes sending them."""

    database_url: str
    directory: Path
    extra_env: dict[str, str] = field(default_factory=dict)
    workers: list[subprocess.Popen] = field(default_factory=list)

    def __post_init__(self):
        self.directory.mkdir(parents=True, exist_ok=True)
        self.env = {
            **server_env(self.database_url, self.directory / "static"),
            "TASKS_BACKEND": "database",
            **self.extra_env,
        }
        self.env.pop("EMAIL_HOST", None)  # the console backend: every email is written to the worker's output

    def prepare(self) -> None:
        self.clear_logs()
        recreate_database(self.database_url)
        sprintlab(["migrate", "--no-input", "-v", "0"], self.env)

    def clear_logs(self) -> None:
        for old_log in self.directory.glob("worker-*.log"):
            old_log.unlink()

    def enqueue(self, count: int, prefix: str) -> None:
        sprintlab(["shell", "-c", ENQUEUE.format(prefix=prefix, count=count)], self.env)

    def start_workers(self, count: int) -> None:
        for _ in range(count):
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
                    "--maintenance-interval",
                    "1",
                    "--sweep-older-than",
                    "3600",
                ],
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            worker.log = log
            self.workers.append(worker)

    def kill_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)

    def stop(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
            worker.log.close()

    def query(self, sql: str, params=()) -> list[tuple]:
        with psycopg.connect(self.database_url) as conn:
            return conn.execute(sql, params).fetchall()

    def sent_count(self) -> int:
        return self.query("SELECT COUNT(*) FROM notifications_outboxmessage WHERE status = 'sent'")[0][0]

    def wait_until_sent(self, count: int, *, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while self.sent_count() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.sent_count()} of {count} messages sent after {timeout} s")
            if all(worker.poll() is not None for worker in self.workers):
                raise RuntimeError(f"every worker exited; see {self.directory}/worker-*.log")
            time.sleep(0.05)

    def sending_seconds(self) -> float:
        first, last = self.query("SELECT MIN(sent_at), MAX(sent_at) FROM notifications_outboxmessage")[0]
        return (last - first).total_seconds()

    def deliveries(self) -> Counter:
        """How many times each outbox id was written to a worker's log."""
        counts: Counter = Counter()
        for path in self.directory.glob("worker-*.log"):
            counts.update(int(pk) for pk in MESSAGE_ID.findall(path.read_bytes()))
        return counts

    def recipients(self) -> Counter:
        """How many emails each address received, by the workers' logs."""
        counts: Counter = Counter()
        for path in self.directory.glob("worker-*.log"):
            counts.update(RECIPIENT.findall(path.read_bytes()))
        return counts

    def message_ids(self) -> set[int]:
        return {row[0] for row in self.query("SELECT id FROM notifications_outboxmessage")}

    def resent_ids(self) -> set[int]:
        """Messages sent in more than one attempt (their first worker died while sending them)."""
        return {row[0] for row in self.query("SELECT id FROM notifications_outboxmessage WHERE attempts > 1")}


def throughput(*, database_url: str, messages: int, workers: int, directory: Path, log) -> Result:
    site = OutboxSite(database_url, directory / "throughput")
    site.prepare()
    log(f"outbox: queueing {messages:,} messages")
    started = time.monotonic()
    site.enqueue(messages, "rate")
    log(f"outbox: queued in {time.monotonic() - started:.0f} s; starting {workers} workers")
    try:
        site.start_workers(workers)
        site.wait_until_sent(messages, timeout=max(120, messages / 20))
    finally:
        site.stop()
    seconds = site.sending_seconds()
    deliveries = site.deliveries()
    duplicates = sum(n - 1 for n in deliveries.values() if n > 1)
    missing = len(site.message_ids() - set(deliveries))
    log(
        f"outbox: {messages:,} sent in {seconds:.1f} s = {messages / seconds:.0f}/s; {duplicates} twice, {missing} missing"
    )
    return Result(
        name=f"outbox delivery, {workers} task-workers",
        requests=messages,
        seconds=seconds,
        errors=duplicates + missing,
        target_rate=TARGET_RATE,
        notes=f"{messages:,} emails to the console backend; {duplicates} sent twice, {missing} missing",
    )


@dataclass
class CrashReport:
    messages: int
    killed_after: int
    deliveries: int
    missing: int
    repeated: int
    repeated_outside_a_send: int
    seconds_to_recover: float

    @property
    def ok(self) -> bool:
        return self.missing == 0 and self.repeated_outside_a_send == 0


def crash(*, database_url: str, messages: int, workers: int, directory: Path, log=print) -> CrashReport:
    """Kill every worker with SIGKILL when half the messages are sent, start new ones, count deliveries."""
    site = OutboxSite(database_url, directory / "crash", CRASH_SETTINGS)
    site.prepare()
    log(f"outbox crash: queueing {messages:,} messages")
    site.enqueue(messages, "crash")
    try:
        site.start_workers(workers)
        site.wait_until_sent(messages // 2, timeout=max(120, messages / 20))
        site.kill_workers()
        killed_after = site.sent_count()
        started = time.monotonic()
        site.start_workers(workers)
        site.wait_until_sent(messages, timeout=max(120, messages / 20))
        recovered = time.monotonic() - started
    finally:
        site.stop()
    deliveries = site.deliveries()
    repeated = {pk for pk, n in deliveries.items() if n > 1}
    return CrashReport(
        messages=messages,
        killed_after=killed_after,
        deliveries=sum(deliveries.values()),
        missing=len(site.message_ids() - set(deliveries)),
        repeated=len(repeated),
        # A repeat is allowed only for a message whose worker died inside its send (it needed a second attempt).
        repeated_outside_a_send=len(repeated - site.resent_ids()),
        seconds_to_recover=round(recovered, 1),
    )


def run(*, database_url: str, messages: int, workers: int, log) -> tuple[list[Result], dict]:
    directory = ROOT / "var" / "bench" / "outbox"
    rate = throughput(database_url=database_url, messages=messages, workers=workers, directory=directory, log=log)
    report = crash(database_url=database_url, messages=messages, workers=workers, directory=directory, log=log)
    crashed = Result(
        name=f"outbox after SIGKILL of {workers} workers",
        requests=report.messages,
        seconds=0,
        errors=report.missing + report.repeated_outside_a_send,
        notes=(
            f"killed at {report.killed_after:,} sent; {report.missing} lost; {report.repeated} sent again "
            f"(each claimed by a killed worker and not yet recorded: same Message-ID); recovered in {report.seconds_to_recover} s"
        ),
    )
    return [rate, crashed], {"crash": vars(report) | {"ok": report.ok}}
