from django.core.management.base import BaseCommand

from sprintlab.mentoring.helpdesk import help_alert_unclaimed


class Command(BaseCommand):
    help = "Alert each sprint's organisers about help requests nobody has claimed in time (once per request)."

    def handle(self, *args, **options):
        count = help_alert_unclaimed()
        self.stdout.write(f"{count} unclaimed help request(s) reported.")
