"""``sprintlab task-worker``: django-tasks-db's ``db_worker`` plus what keeps the queue healthy alone.

Besides running tasks (every ``db_worker`` option works), a background thread of the worker:

- writes this worker's heartbeat every ``TASK_ABANDONED_AFTER_SECONDS / 4`` seconds;
- puts back in the queue the tasks of workers that stopped beating (``core.task_workers``);
- every ``--maintenance-interval`` seconds runs the periodic jobs: the outbox sweep (messages still
  queued, or whose sending lease ran out), offer expiry and the alert about unclaimed help requests,
  so that no cron job is needed.

Run this instead of ``db_worker``: a task claimed by a plain ``db_worker`` has no heartbeat and
would be run a second time after ``TASK_ABANDONED_AFTER_SECONDS``.
"""

import io
import logging
import threading
import time

from django.conf import settings
from django.core.management import call_command, get_commands
from django.db import close_old_connections, connection
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorkerCommand

from sprintlab.core.task_workers import forget_worker, record_heartbeat, requeue_abandoned_tasks

logger = logging.getLogger(__name__)
MAINTENANCE_INTERVAL_SECONDS = 60
# Found by name, not imported: these commands belong to apps above core.
PERIODIC_COMMANDS = ("outbox_sweep", "expire_offers", "mentoring_alerts", "send_due_reminders")


def run_maintenance(*, sweep_older_than: int = 300) -> None:
    """What would otherwise be cron's job: the outbox sweep, offer expiry, reminders and scheduled
    announcements (when those apps exist)."""
    available = get_commands()
    for name in PERIODIC_COMMANDS:
        if name not in available:
            continue
        report = io.StringIO()
        arguments = ["--older-than", str(sweep_older_than)] if name == "outbox_sweep" else []
        call_command(name, *arguments, stdout=report)
        logger.debug("%s: %s", name, report.getvalue().strip())


class Housekeeping(threading.Thread):
    """The worker's heartbeat, abandoned-task recovery and periodic jobs, beside the task loop."""

    def __init__(self, *, worker_id: str, maintenance_interval: float | None, sweep_older_than: int):
        super().__init__(name="task-worker-housekeeping", daemon=True)
        self.worker_id = worker_id
        self.abandoned_after = settings.TASK_ABANDONED_AFTER_SECONDS
        self.beat_interval = max(self.abandoned_after / 4, 0.2)
        self.maintenance_interval = maintenance_interval
        self.sweep_older_than = sweep_older_than
        self.stopping = threading.Event()

    def start(self) -> None:
        # The first heartbeat is written before the worker claims anything: a task of this worker
        # must never look abandoned.
        record_heartbeat(worker_id=self.worker_id)
        connection.close()
        super().start()

    def stop(self) -> None:
        self.stopping.set()
        self.join(timeout=10)
        try:
            forget_worker(worker_id=self.worker_id)
        finally:
            connection.close()

    def run(self) -> None:
        next_maintenance = time.monotonic() if self.maintenance_interval is not None else None
        while True:
            close_old_connections()
            try:
                record_heartbeat(worker_id=self.worker_id)
                requeue_abandoned_tasks(abandoned_after_seconds=self.abandoned_after)
                if next_maintenance is not None and time.monotonic() >= next_maintenance:
                    run_maintenance(sweep_older_than=self.sweep_older_than)
                    next_maintenance = time.monotonic() + self.maintenance_interval
            except Exception:
                # A database hiccup must not stop the worker; the next round tries again.
                logger.exception("Task worker housekeeping failed")
            if self.stopping.wait(self.beat_interval):
                break
        connection.close()


class Command(DatabaseWorkerCommand):
    help = (
        "Run a database task worker that also recovers tasks of dead workers and runs the periodic "
        "jobs (outbox sweep, offer expiry). Use it instead of db_worker."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--maintenance-interval",
            type=float,
            default=MAINTENANCE_INTERVAL_SECONDS,
            metavar="SECONDS",
            help="How often this worker runs the outbox sweep and offer expiry (default %(default)s).",
        )
        parser.add_argument(
            "--no-maintenance",
            action="store_true",
            help="Do not run the periodic jobs in this worker (still recovers abandoned tasks).",
        )
        parser.add_argument(
            "--sweep-older-than",
            type=int,
            default=300,
            metavar="SECONDS",
            help="The outbox sweep resends queued messages older than this (default %(default)s).",
        )
        # The reloader would run the tasks in a child process under another worker id than the
        # one that beats; a worker that recovers others' tasks must not be that confused.
        parser.set_defaults(reload=False)

    def handle(self, *args, maintenance_interval, no_maintenance, sweep_older_than, **options):
        if options.get("reload"):
            self.stderr.write("task-worker does not reload on code changes; ignoring --reload.")
            options["reload"] = False
        housekeeping = Housekeeping(
            worker_id=options["worker_id"],
            maintenance_interval=None if no_maintenance else max(maintenance_interval, 1.0),
            sweep_older_than=max(sweep_older_than, 0),
        )
        housekeeping.start()
        try:
            super().handle(*args, **options)
        finally:
            housekeeping.stop()
