"""``sprintlab seed-demo --scale small|large``: load deterministic demo data, then print the logins."""

import time
from contextlib import contextmanager

from django.core.management.base import BaseCommand, CommandError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sprintlab.demo.builder import SCALES, DemoBuilder
from sprintlab.demo.logins import print_demo_logins
from sprintlab.sprints.models import Sprint


class RichProgress:
    """One bar per stage of the build."""

    def __init__(self, progress: Progress):
        self.progress = progress

    @contextmanager
    def stage(self, label: str, total: int):
        task = self.progress.add_task(label, total=max(total, 1))
        yield lambda n: self.progress.advance(task, n)
        self.progress.update(task, completed=max(total, 1))


class Command(BaseCommand):
    help = "Load deterministic demo data: sprints since November 2022, local sites, people and registrations."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="small",
            help="small: about 1,250 participants; large: about 100,000 and 2,000 sites.",
        )
        parser.add_argument("--seed", type=int, default=2022, help="Random seed; the same seed gives the same data.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing when the database already has sprints.")

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        console = Console(file=self.stdout, force_terminal=None if self.stdout.isatty() else False, width=110)
        if Sprint.objects.exists():
            if if_empty:
                console.print("The database already has sprints; not loading the demo data again.")
                print_demo_logins(console)
                return
            raise CommandError("The database already has sprints. Use a fresh database, or --if-empty to skip.")
        started = time.monotonic()
        columns = (TextColumn("{task.description:<28}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, disable=options["verbosity"] == 0) as progress:
            summary = DemoBuilder(scale=scale, seed=seed, progress=RichProgress(progress)).build()
        elapsed = time.monotonic() - started
        table = Table(
            title=f"Demo data ({scale}, seed {seed}) built in {elapsed:.1f} s", title_justify="left", min_width=50
        )
        table.add_column("What")
        table.add_column("Rows", justify="right")
        for what, count in summary.counts.items():
            table.add_row(what, f"{count:,}")
        console.print(table)
        print_demo_logins(console)
