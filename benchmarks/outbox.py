"""Outbox delivery: how fast ``sprintlab task-worker`` processes send queued emails, and what a
SIGKILL in the middle costs.

Scenario 1 (throughput): N rendered announcement emails (each to its own person, so each carries
its unsubscribe link and headers) are queued with their delivery tasks, then W workers start and
send them to the console ("log") email backend, each worker's output going to its own file. The
rate is N divided by the time between the first and the last ``sent_at``.

Scenario 2 (crash): the same, but every worker is killed with SIGKILL several times (when a
quarter, half and three quarters are sent, by default) and new workers are started each time.
Every Message-ID in the workers' logs is counted. The emails are announcements, so none may appear
twice; none may be missing either, except a message "in doubt" (docs/outbox.md): the one a killed
worker's batch may have been sending, which the sweep fails instead of resending — at most one per
killed worker each time.
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
from benchmarks.servers import ROOT, _cpu_seconds, recreate_database, server_env, sprintlab

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

    def settled_count(self) -> int:
        """Messages sent, or failed (after a crash: failed in doubt rather than sent twice)."""
        return self.query("SELECT COUNT(*) FROM notifications_outboxmessage WHERE status IN ('sent', 'failed')")[0][0]

    def wait_until_sent(self, count: int, *, timeout: float, settled: bool = False) -> None:
        counter = self.settled_count if settled else self.sent_count
        deadline = time.monotonic() + timeout
        while counter() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {counter()} of {count} messages sent or settled after {timeout} s")
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

    def cpu_snapshot(self) -> dict[str, dict[int, float]]:
        """CPU seconds so far of each live worker and of each PostgreSQL backend of this database."""
        name = self.database_url.rsplit("/", 1)[1]
        backends = self.query(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (name,)
        )
        return {
            "workers": {w.pid: _cpu_seconds(w.pid) for w in self.workers if w.poll() is None},
            "db": {pid: _cpu_seconds(pid) for (pid,) in backends},
        }

    def failed_ids(self, *, in_doubt: bool) -> set[int]:
        """Failed messages: those a dead worker may have been sending (``in_doubt``), or the others."""
        sql = "SELECT id FROM notifications_outboxmessage WHERE status = 'failed' AND in_doubt = %s"
        return {row[0] for row in self.query(sql, (in_doubt,))}


def throughput(*, database_url: str, messages: int, workers: int, directory: Path, log) -> Result:
    site = OutboxSite(database_url, directory / "throughput")
    site.prepare()
    log(f"outbox: queueing {messages:,} messages")
    started = time.monotonic()
    site.enqueue(messages, "rate")
    log(f"outbox: queued in {time.monotonic() - started:.0f} s; starting {workers} workers")
    try:
        site.start_workers(workers)
        # CPU from the first email sent (the workers have started) to the last: on a shared machine
        # the wall-clock rate follows the load, CPU per email much less.
        site.wait_until_sent(1, timeout=120)
        before = site.cpu_snapshot()
        site.wait_until_sent(messages, timeout=max(120, messages / 20))
        after = site.cpu_snapshot()
    finally:
        site.stop()
    cpu = {kind: sum(t - before[kind].get(pid, 0.0) for pid, t in after[kind].items()) for kind in after}
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
        cpu=cpu,
    )


@dataclass
class CrashReport:
    messages: int
    kills: int
    killed_after: list[int]
    deliveries: int
    duplicates: int
    in_doubt: int
    in_doubt_delivered: int
    missing: int
    other_failures: int
    seconds_to_recover: float
    workers: int

    @property
    def ok(self) -> bool:
        """Nothing twice, nothing lost but an in-doubt message, at most one of those per killed worker."""
        return (
            self.duplicates == 0
            and self.missing == 0
            and self.other_failures == 0
            and self.in_doubt <= self.kills * self.workers
        )


def crash(*, database_url: str, messages: int, workers: int, directory: Path, kills: int = 3, log=print) -> CrashReport:
    """Kill every worker with SIGKILL ``kills`` times (evenly through the run), starting new ones each
    time; then count every delivery in the workers' output."""
    site = OutboxSite(database_url, directory / "crash", CRASH_SETTINGS)
    site.prepare()
    log(f"outbox crash: queueing {messages:,} messages")
    site.enqueue(messages, "crash")
    timeout = max(120, messages / 20)
    killed_after = []
    try:
        site.start_workers(workers)
        for kill in range(1, kills + 1):
            site.wait_until_sent(messages * kill // (kills + 1), timeout=timeout)
            site.kill_workers()
            killed_after.append(site.sent_count())
            site.start_workers(workers)
        started = time.monotonic()
        site.wait_until_sent(messages, timeout=timeout, settled=True)
        recovered = time.monotonic() - started
    finally:
        site.stop()
    deliveries = site.deliveries()
    in_doubt = site.failed_ids(in_doubt=True)
    report = CrashReport(
        messages=messages,
        kills=kills,
        killed_after=killed_after,
        deliveries=sum(deliveries.values()),
        duplicates=sum(n - 1 for n in deliveries.values() if n > 1),
        in_doubt=len(in_doubt),
        in_doubt_delivered=len(in_doubt & set(deliveries)),
        # Never delivered and not a message in doubt: lost.
        missing=len(site.message_ids() - set(deliveries) - in_doubt),
        other_failures=len(site.failed_ids(in_doubt=False)),
        seconds_to_recover=round(recovered, 1),
        workers=workers,
    )
    log(f"outbox crash: {vars(report)}")
    return report


def run(*, database_url: str, messages: int, workers: int, log) -> tuple[list[Result], dict]:
    directory = ROOT / "var" / "bench" / "outbox"
    rate = throughput(database_url=database_url, messages=messages, workers=workers, directory=directory, log=log)
    report = crash(database_url=database_url, messages=messages, workers=workers, directory=directory, log=log)
    crashed = Result(
        name=f"outbox after SIGKILL of {workers} workers, {report.kills} times",
        requests=report.messages,
        seconds=0,
        errors=report.duplicates + report.missing + report.other_failures,
        notes=(
            f"killed at {', '.join(f'{n:,}' for n in report.killed_after)} sent; {report.duplicates} sent twice; "
            f"{report.missing} lost; {report.in_doubt} failed in doubt (a killed batch's email in flight, not "
            f"resent; {report.in_doubt_delivered} of them had gone out); finished {report.seconds_to_recover} s "
            "after the last restart"
        ),
    )
    return [rate, crashed], {"crash": vars(report) | {"ok": report.ok}}
