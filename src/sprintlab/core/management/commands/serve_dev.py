"""``sprintlab serve-dev``: the development server and a task worker together (``make run``).

The web server and the database task worker run as child processes of this command; this process
prints the demo logins, re-enqueues stale outbox messages and expires unconfirmed offers every
minute, and stops both children when it gets Ctrl-C (SIGINT) or SIGTERM.
"""

import io
import logging
import signal
import subprocess
import sys
import threading
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand
from django.db import close_old_connections, connection
from rich.console import Console

from sprintlab.demo.logins import print_demo_logins

logger = logging.getLogger(__name__)
MAINTENANCE_INTERVAL_SECONDS = 60
STOP_TIMEOUT_SECONDS = 10


def run_maintenance() -> None:
    """What a scheduler runs in production: the outbox sweeper and, when it exists, offer expiry."""
    from sprintlab.notifications.services import outbox_requeue_stale

    requeued = outbox_requeue_stale()
    if requeued:
        logger.info("Re-enqueued %s stale outbox messages.", requeued)
    if "expire_offers" in get_commands():
        report = io.StringIO()
        call_command("expire_offers", stdout=report)
        logger.debug(report.getvalue().strip())


def run_maintenance_safely() -> None:
    """Run the periodic work on a fresh connection; a failure is logged and retried next time."""
    close_old_connections()
    try:
        run_maintenance()
    except Exception:
        logger.exception("Periodic maintenance failed")
    finally:
        # This process mostly sleeps: do not hold a database connection (or SQLite lock) meanwhile.
        connection.close()


class Command(BaseCommand):
    help = "Run the development web server and a database task worker; Ctrl-C stops both."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--no-worker", action="store_true", help="Only the web server.")

    def handle(self, *args, port: int, host: str, no_worker: bool, **options):
        console = Console(file=self.stdout, width=110)
        print_demo_logins(console, site_url=f"http://{host}:{port}")
        manage = [sys.executable, "-m", "sprintlab.cli"]
        children = [subprocess.Popen([*manage, "runserver", f"{host}:{port}", "--noreload"])]
        if not no_worker:
            children.append(subprocess.Popen([*manage, "db_worker", "--no-reload"]))
        console.print(f"Serving on http://{host}:{port}/ with a task worker. Press Ctrl-C to stop.")

        stopping = threading.Event()

        def request_stop(signum, frame):
            stopping.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            next_sweep = 0.0
            while not stopping.is_set():
                if time.monotonic() >= next_sweep:
                    run_maintenance_safely()
                    next_sweep = time.monotonic() + MAINTENANCE_INTERVAL_SECONDS
                # Stop everything when one child dies (e.g. the port was already taken).
                if any(child.poll() is not None for child in children):
                    break
                stopping.wait(1)
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            self._stop(children)
        failed = [c for c in children if c.returncode not in (0, -signal.SIGINT, -signal.SIGTERM, None)]
        if failed and not stopping.is_set():
            raise SystemExit(1)

    def _stop(self, children: list[subprocess.Popen]) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)
        for child in children:
            try:
                child.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()
        self.stdout.write("Stopped the web server and the task worker.")
