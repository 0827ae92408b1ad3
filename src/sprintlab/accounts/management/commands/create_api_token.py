"""``sprintlab create-api-token EMAIL``: a personal API token for an existing account, printed once.

For scripts and operators (the API fuzzing run in CI uses it); people create theirs on the
Account → API tokens page. Only the token's hash is stored, so the printed secret cannot be shown again.
"""

from django.core.management.base import BaseCommand, CommandError

from sprintlab.accounts.models import User
from sprintlab.accounts.services import api_token_create
from sprintlab.core.errors import ServiceError


class Command(BaseCommand):
    help = "Create a personal API token for the account with EMAIL and print its secret (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="command line", help="How the token appears on the tokens page.")

    def handle(self, *args, email: str, name: str, **options):
        user = User.objects.filter(email__iexact=email.strip()).first()
        if user is None:
            raise CommandError(f"No account uses {email}.")
        try:
            _token, secret = api_token_create(actor=user, name=name)
        except ServiceError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(secret)
