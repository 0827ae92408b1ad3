"""``sprintlab send-due-reminders``: the scheduler of reminders and of scheduled announcements.

``sprintlab task-worker`` runs it every minute; without that worker, run it every minute from cron.
Running it twice, or on two machines at once, sends nothing twice (see announcements.reminders).
"""

from django.core.management.base import BaseCommand

from sprintlab.announcements.delivery import announcements_send_due
from sprintlab.announcements.reminders import reminders_send_due


class Command(BaseCommand):
    help = "Send the reminders and the scheduled announcements that are due (safe to run concurrently)."

    def handle(self, *args, **options):
        reminders = reminders_send_due()
        announcements = announcements_send_due()
        self.stdout.write(f"Reminders started: {len(reminders)}; scheduled announcements started: {announcements}.")
