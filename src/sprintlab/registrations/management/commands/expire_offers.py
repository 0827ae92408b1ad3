from django.core.management.base import BaseCommand

from sprintlab.registrations.admissions import registrations_expire_offers


class Command(BaseCommand):
    help = "Expire seat offers whose confirmation deadline has passed and offer the seats to the next people waiting."

    def add_arguments(self, parser):
        parser.add_argument("--enqueue", action="store_true", help="Run it on the task queue instead of here.")

    def handle(self, *args, enqueue: bool = False, **options):
        if enqueue:
            from sprintlab.registrations.tasks import expire_offers

            expire_offers.enqueue()
            self.stdout.write("Enqueued.")
            return
        count = registrations_expire_offers()
        self.stdout.write(f"{count} offer(s) expired.")
