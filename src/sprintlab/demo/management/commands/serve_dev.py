"""``sprintlab serve-dev``: the development server and a task worker together (``make run``).

The web server and the task worker (``sprintlab task-worker``, which also runs the outbox sweep and
offer expiry every minute) run as child processes of this command; this process prints the demo
logins and stops both children when it gets Ctrl-C (SIGINT) or SIGTERM.
"""

import signal
import subprocess
import sys
import threading

from django.core.management.base import BaseCommand
from rich.console import Console

from sprintlab.demo.logins import print_demo_logins

STOP_TIMEOUT_SECONDS = 10


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
            children.append(subprocess.Popen([*manage, "task_worker"]))
        console.print(f"Serving on http://{host}:{port}/ with a task worker. Press Ctrl-C to stop.")

        stopping = threading.Event()

        def request_stop(signum, frame):
            stopping.set()

        previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            while not stopping.is_set():
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
