"""An email address longer than any address can be is refused at sign-up, every time, with a message."""

import pytest
from django.urls import reverse

from sprintlab.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
TOO_LONG = "a" * 243 + "@example.org"  # 255 characters


@pytest.mark.parametrize("email", [TOO_LONG, "b" * 300 + "@example.org"])
def test_signup_refuses_a_too_long_address_twice_over(client, email):
    for _attempt in range(2):
        response = client.post(
            reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD}
        )
        assert response.status_code == 200
        assert response.context["form"].errors["email"] == ["An email address has at most 254 characters."]
    assert not User.objects.exists()


def test_signup_takes_an_address_of_exactly_254_characters(client):
    email = "c" * 242 + "@example.org"
    assert len(email) == 254
    response = client.post(reverse("account_signup"), {"email": email, "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    assert User.objects.get().email == email
