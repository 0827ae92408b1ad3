"""Deadlocks, serialization failures and stale reads inside a service are retried, never answered with 500.

These run outside a test transaction (``transaction=True``): only an outermost transaction can
start again.
"""

import psycopg.errors
import pytest
from django.db import OperationalError, transaction
from django.urls import reverse

from sprintlab.core import transactions
from sprintlab.notifications.models import OutboxMessage
from sprintlab.registrations import seats, services
from sprintlab.registrations.models import Registration, RegistrationStatus
from tests.factories import LocalSiteFactory, SprintFactory
from tests.helpers import bearer_for
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(transactions, "FIRST_BACKOFF_SECONDS", 0)


def database_error(cause_class):
    """The error Django raises for ``cause_class`` from the driver."""
    try:
        raise cause_class("simulated")
    except psycopg.Error as cause:
        try:
            raise OperationalError(str(cause)) from cause
        except OperationalError as wrapped:
            return wrapped


def fail_first_calls(monkeypatch, module, name, errors: list):
    """Make ``module.name`` raise each of ``errors`` in turn, then behave normally; return the call log."""
    original = getattr(module, name)
    calls = []

    def flaky(*args, **kwargs):
        calls.append(name)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, flaky)
    return calls


def full_site_with_waiting_person():
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=1)
    seated, waiting = register(sprint=sprint, site=site), register(sprint=sprint, site=site)
    return sprint, site, seated, waiting


@pytest.mark.parametrize("cause", [psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure])
def test_a_cancellation_that_hits_a_conflict_is_retried_and_sends_each_email_once(monkeypatch, cause):
    _sprint, _site, seated, waiting = full_site_with_waiting_person()
    # Fails after the cancellation and its email were written in the transaction.
    calls = fail_first_calls(monkeypatch, seats, "fill_free_seats", [database_error(cause)])

    services.registration_cancel(registration=seated, actor=seated.user)

    assert len(calls) == 2
    assert Registration.objects.get(pk=seated.pk).status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED
    assert (
        OutboxMessage.objects.filter(key__startswith=f"registration:{seated.pk}:", key__endswith=":cancelled").count()
        == 1
    )
    assert OutboxMessage.objects.filter(key__endswith=":seat_granted").count() == 1


def move_before_the_row_lock(monkeypatch, registration, site):
    """Move ``registration`` to ``site`` between the read of its place and its row lock (first attempt only)."""
    original = seats.lock_sites
    calls = []

    def lock_sites_then_move(**kwargs):
        locked = original(**kwargs)
        calls.append(kwargs)
        if len(calls) == 1:
            Registration.objects.filter(pk=registration.pk).update(site=site)
        return locked

    monkeypatch.setattr(seats, "lock_sites", lock_sites_then_move)
    return calls


def test_a_place_that_changed_before_its_lock_is_detected(monkeypatch):
    sprint, _site, seated, _waiting = full_site_with_waiting_person()
    move_before_the_row_lock(monkeypatch, seated, LocalSiteFactory(sprint=sprint))

    with pytest.raises(transactions.RetryTransaction), transaction.atomic():
        services.registration_cancel(registration=seated, actor=seated.user)


def test_a_place_that_changed_before_its_lock_makes_the_transaction_start_again(monkeypatch):
    sprint, site, seated, waiting = full_site_with_waiting_person()
    calls = move_before_the_row_lock(monkeypatch, seated, LocalSiteFactory(sprint=sprint))

    cancelled = services.registration_cancel(registration=seated, actor=seated.user)

    # The first attempt (and the simulated move inside it) rolled back; the second one ran clean.
    assert len(calls) == 2
    assert cancelled.site == site and cancelled.status == RegistrationStatus.CANCELLED
    assert Registration.objects.get(pk=waiting.pk).status == RegistrationStatus.CONFIRMED


def test_other_database_errors_are_not_retried(monkeypatch):
    _sprint, _site, seated, _waiting = full_site_with_waiting_person()
    calls = fail_first_calls(monkeypatch, seats, "fill_free_seats", [OperationalError("disk full")])

    with pytest.raises(OperationalError):
        services.registration_cancel(registration=seated, actor=seated.user)

    assert len(calls) == 1
    assert Registration.objects.get(pk=seated.pk).status == RegistrationStatus.CONFIRMED


def test_a_nested_call_leaves_the_retry_to_the_outermost_transaction(monkeypatch):
    _sprint, _site, seated, _waiting = full_site_with_waiting_person()
    calls = fail_first_calls(monkeypatch, seats, "fill_free_seats", [database_error(psycopg.errors.DeadlockDetected)])

    with pytest.raises(OperationalError), transaction.atomic():
        services.registration_cancel(registration=seated, actor=seated.user)

    assert len(calls) == 1


def test_registering_is_retried_too(monkeypatch):
    sprint = SprintFactory()
    calls = fail_first_calls(monkeypatch, services, "_new_status", [database_error(psycopg.errors.DeadlockDetected)])

    registration = register(sprint=sprint)

    assert len(calls) == 2 and registration.status == RegistrationStatus.CONFIRMED
    assert Registration.objects.count() == 1 and OutboxMessage.objects.count() == 1


def always_deadlocked(monkeypatch):
    error = database_error(psycopg.errors.DeadlockDetected)
    return fail_first_calls(monkeypatch, seats, "fill_free_seats", [error] * transactions.MAX_ATTEMPTS)


def test_the_api_answers_503_with_retry_after_when_every_attempt_collided(monkeypatch, client):
    _sprint, _site, seated, _waiting = full_site_with_waiting_person()
    calls = always_deadlocked(monkeypatch)

    response = client.post(f"/api/v1/registrations/{seated.pk}/cancel", headers=bearer_for(seated.user))

    assert len(calls) == transactions.MAX_ATTEMPTS
    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert "Try again" in response.json()["detail"]
    assert Registration.objects.get(pk=seated.pk).status == RegistrationStatus.CONFIRMED


def test_the_page_answers_503_with_retry_after_when_every_attempt_collided(monkeypatch, client):
    _sprint, _site, seated, _waiting = full_site_with_waiting_person()
    always_deadlocked(monkeypatch)
    client.force_login(seated.user)

    response = client.post(reverse("registrations:cancel", args=[seated.pk]))

    assert response.status_code == 503 and response["Retry-After"] == "1"
    assert "Please try again" in response.content.decode()
