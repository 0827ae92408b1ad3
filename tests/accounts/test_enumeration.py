"""Sign-up never tells a stranger whether an address has an account: its owner gets an email instead."""

import pytest
from django.urls import reverse

from sprintlab.accounts.models import User
from sprintlab.notifications.models import OutboxMessage
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a long and unusual passphrase 42"


def sign_up(client, email):
    return client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_sign_up_answers_the_same_for_a_taken_and_a_new_address(client, django_capture_on_commit_callbacks):
    owner = UserFactory(email="taken@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        taken = sign_up(client, "Taken@example.org")
        new = sign_up(client.__class__(), "new.person@example.org")
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert taken["Location"] == reverse("account_email_verification_sent")
    assert client.get(taken["Location"]).status_code == 200
    assert "already" not in client.get(taken["Location"]).content.decode()
    # No second account; the owner hears about it through the outbox, with a way back in.
    assert User.objects.filter(email__iexact="taken@example.org").get() == owner
    message = OutboxMessage.objects.get(to_email__iexact="taken@example.org")
    assert message.subject == "[SprintLab] Someone tried to sign up with your address"
    for way_in in ("/accounts/login/", "/accounts/login/code/", "/accounts/password/reset/"):
        assert way_in in message.body_text
    assert OutboxMessage.objects.filter(to_email="new.person@example.org", body_text__contains="confirm-email").exists()


def test_a_new_person_signs_in_after_confirming_their_address(client):
    sign_up(client, "careful@example.org")
    assert client.get(reverse("accounts:profile")).status_code == 302
