"""Sign-in throttling per (account, address): guessing is slowed, nobody can lock anyone else out."""

import re

import pytest
from django.urls import reverse

from sprintlab.accounts import ratelimits
from sprintlab.notifications.models import OutboxMessage

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
HOME = "198.51.100.7"
STRANGER = "203.0.113.66"
TOO_MANY = "Too many unsuccessful sign-in attempts"


@pytest.fixture(autouse=True)
def production_limits(settings):
    settings.ACCOUNT_RATE_LIMITS = settings.PRODUCTION_ACCOUNT_RATE_LIMITS


def sign_in(client, email, password, address):
    return client.post(reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == 302


@pytest.fixture
def owner(django_user_model):
    from tests.factories import UserFactory

    return UserFactory(email="owner@example.org")


@pytest.fixture
def waits(monkeypatch):
    """The waits the throttle opens, as {cache key: seconds}; deleting a key lets its time pass."""
    opened = {}
    real_add = ratelimits.cache.add

    def add(key, value, timeout=None, **kwargs):
        added = real_add(key, value, timeout, **kwargs)
        if added and ":signin-wait:" in key:
            opened[key] = timeout
        return added

    monkeypatch.setattr(ratelimits.cache, "add", add)
    return opened


def test_a_strangers_failures_never_stop_the_owner(client, owner):
    for _attempt in range(20):
        response = sign_in(client, owner.email, "a guess", STRANGER)
        assert not signed_in(response)
    assert TOO_MANY in response.content.decode()  # the stranger is slowed down…
    assert signed_in(sign_in(client, owner.email, PASSWORD, HOME))  # …the owner is not


def test_failures_against_one_account_never_stop_another_from_the_same_address(client, owner):
    from tests.factories import UserFactory

    colleague = UserFactory(email="colleague@example.org")
    # Enough failures, spread over many accounts, to make this address a busy one.
    for number in range(ratelimits.BUSY_ADDRESS_FAILURES + 5):
        sign_in(client, f"someone{number % 20}@example.org", "a guess", HOME)
        sign_in(client, owner.email, "a guess", HOME)
    assert signed_in(sign_in(client, colleague.email, PASSWORD, HOME))


def test_guessing_from_one_address_waits_longer_and_longer(client, owner, waits):
    for _attempt in range(ratelimits.FREE_ATTEMPTS):
        assert "not correct" in sign_in(client, owner.email, "a guess", STRANGER).content.decode()
    assert waits == {}
    delays = []
    for _round in range(4):
        # One more guess is checked, and opens a wait …
        assert "not correct" in sign_in(client, owner.email, "a guess", STRANGER).content.decode()
        (key,) = waits
        delays.append(waits.pop(key))
        # … during which even the right password is refused from this address.
        assert TOO_MANY in sign_in(client, owner.email, PASSWORD, STRANGER).content.decode()
        ratelimits.cache.delete(key)  # the wait is over
    assert delays == [30, 60, 120, 240]


def test_a_correct_password_clears_the_pairs_count(client, owner, waits):
    for _attempt in range(ratelimits.FREE_ATTEMPTS - 1):
        sign_in(client, owner.email, "a typo", HOME)
    assert signed_in(sign_in(client, owner.email, PASSWORD, HOME))
    client.logout()
    for _attempt in range(ratelimits.FREE_ATTEMPTS):
        sign_in(client, owner.email, "a typo", HOME)
    assert waits == {}


def test_parallel_guesses_get_one_turn_per_wait(owner):
    for _attempt in range(ratelimits.FREE_ATTEMPTS):
        assert ratelimits.password_attempt_begin(email=owner.email, address=STRANGER)
    turns = [ratelimits.password_attempt_begin(email=owner.email, address=STRANGER) for _request in range(10)]
    assert turns == [True] + [False] * 9


def test_the_delay_doubles_up_to_an_hour():
    delays = [ratelimits.delay_after(attempt, free_attempts=5) for attempt in range(1, 16)]
    assert delays[:5] == [0] * 5
    assert delays[5:9] == [30, 60, 120, 240]
    assert delays[-1] == 3600 and max(delays) == 3600


def test_behind_a_proxy_the_client_address_counts(client, owner, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"
    for _attempt in range(ratelimits.FREE_ATTEMPTS + 2):
        client.post(
            reverse("account_login"),
            {"login": owner.email, "password": "a guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=STRANGER,
        )
    response = client.post(
        reverse("account_login"),
        {"login": owner.email, "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=f"192.0.2.200, {HOME}",
    )
    assert signed_in(response)


def test_ipv6_addresses_are_throttled_by_their_64():
    assert ratelimits.network_of("2001:db8:1:2:aaaa::1") == ratelimits.network_of("2001:db8:1:2:bbbb::9")
    assert ratelimits.network_of("2001:db8:1:2::1") != ratelimits.network_of("2001:db8:1:3::1")
    assert ratelimits.network_of("192.0.2.1") == "192.0.2.1"


def request_code(client, email, address):
    return client.post(reverse("account_request_login_code"), {"email": email}, REMOTE_ADDR=address)


def test_the_emailed_code_signs_the_owner_in_while_password_attempts_wait(
    client, owner, django_capture_on_commit_callbacks
):
    for _attempt in range(ratelimits.FREE_ATTEMPTS + 1):
        sign_in(client, owner.email, "a guess", HOME)
    assert TOO_MANY in sign_in(client, owner.email, PASSWORD, HOME).content.decode()
    # A stranger asking for codes for the same address does not use up the owner's requests.
    # (A fresh session each time: a session with a code pending is sent on to enter it.)
    answers = [
        request_code(client.__class__(), owner.email, STRANGER)
        for _attempt in range(ratelimits.LOGIN_CODES_PER_MINUTE + 1)
    ]
    assert "Too many codes" in answers[-1].content.decode()
    OutboxMessage.objects.all().delete()

    with django_capture_on_commit_callbacks(execute=True):
        response = request_code(client, owner.email, HOME)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_confirm_login_code"))
    body = OutboxMessage.objects.get(to_email=owner.email).body_text
    code = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", body, re.MULTILINE).group(1)
    response = client.post(reverse("account_confirm_login_code"), {"code": code}, REMOTE_ADDR=HOME)
    assert response.status_code == 302
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_the_sign_in_page_offers_the_emailed_code(client):
    html = client.get(reverse("account_login")).content.decode()
    assert reverse("account_request_login_code") in html
