from django.core.management.base import BaseCommand

from sprintlab.notifications.services import outbox_requeue_stale


class Command(BaseCommand):
    help = (
        "Recover the emails of workers that died while sending (their lease ran out: the untried ones are "
        "queued again, the one in doubt resent or failed by its kind, docs/outbox.md) and schedule delivery "
        "again for emails still queued after a while (a lost task, a failed attempt). Every task-worker runs "
        "it each minute; with TASKS_BACKEND=rq run it every minute from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=300,
            metavar="SECONDS",
            help="Only messages queued for longer than this (default 300).",
        )

    def handle(self, *args, older_than: int, **options):
        count = outbox_requeue_stale(older_than_seconds=max(older_than, 0))
        self.stdout.write(f"{count} message(s) scheduled again.")
