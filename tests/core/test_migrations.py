from io import StringIO

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """A model change without its migration fails here, not on someone's deployment."""
    output = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
