"""Acceptance: 200 simultaneous registrations for 50 seats on a real server and PostgreSQL.

Each request runs in its own server thread with its own database connection, exactly as in
production; the row locks in ``registrations.seats`` must keep the count exact.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.accounts.models import ApiToken
from sprintlab.registrations.models import Registration, RegistrationStatus
from tests.factories import LocalSiteFactory, SprintFactory, UserFactory
from tests.registrations.helpers import post_json

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PEOPLE = 200
SEATS = 50
# PostgreSQL allows 100 connections here and other test runs share the server: each client
# thread holds at most one server-side connection at a time.
CLIENT_THREADS = 50


def _tokens(count: int) -> list[str]:
    users = UserFactory.create_batch(count)
    keys = [ApiToken.generate_key() for _ in users]
    ApiToken.objects.bulk_create(
        ApiToken(user=user, name="load", key_hash=ApiToken.hash_key(key), hint=key[:8])
        for user, key in zip(users, keys, strict=True)
    )
    return keys


def _send_all_at_once(url: str, requests: list[tuple[str, dict]]) -> list[tuple[int, dict]]:
    """Send every request from CLIENT_THREADS threads that start together at a barrier."""
    barrier = threading.Barrier(CLIENT_THREADS)
    chunks = [requests[i::CLIENT_THREADS] for i in range(CLIENT_THREADS)]

    def client(chunk):
        barrier.wait()
        return [post_json(url, token, body) for token, body in chunk]

    with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
        return [result for chunk_results in pool.map(client, chunks) for result in chunk_results]


def _body(sprint, site=None) -> dict:
    return {
        "sprint": sprint.slug,
        "site": site.pk if site else None,
        "experience_level": "some",
        "accepted_code_of_conduct": True,
        "join_waitlist": True,
    }


def _assert_exact(results, registrations, expected_people):
    statuses = [status for status, _body in results]
    assert statuses == [201] * expected_people, {s: statuses.count(s) for s in set(statuses)}
    assert registrations.count() == expected_people
    assert registrations.values("user").distinct().count() == expected_people
    assert registrations.filter(status=RegistrationStatus.CONFIRMED).count() == SEATS
    assert registrations.filter(status=RegistrationStatus.WAITLISTED).count() == expected_people - SEATS
    assert {body["status"] for _s, body in results} == {"confirmed", "waitlisted"}
    # Seats went in lock order: every waiting person registered after the last confirmed one.
    last_confirmed = max(registrations.filter(status=RegistrationStatus.CONFIRMED).values_list("created_at", flat=True))
    first_waiting = min(registrations.filter(status=RegistrationStatus.WAITLISTED).values_list("created_at", flat=True))
    assert last_confirmed <= first_waiting


def test_200_people_for_50_seats_at_one_site(live_server, on_postgres):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=SEATS)
    requests = [(token, _body(sprint, site)) for token in _tokens(PEOPLE)]

    results = _send_all_at_once(f"{live_server.url}/api/v1/registrations", requests)

    _assert_exact(results, Registration.objects.filter(sprint=sprint, site=site), PEOPLE)


def test_200_people_for_50_remote_seats_in_the_sprint(live_server, on_postgres):
    sprint = SprintFactory(capacity=SEATS)
    requests = [(token, _body(sprint)) for token in _tokens(PEOPLE)]

    results = _send_all_at_once(f"{live_server.url}/api/v1/registrations", requests)

    _assert_exact(results, Registration.objects.filter(sprint=sprint), PEOPLE)


def test_sprint_capacity_holds_across_sites_and_remote(live_server, on_postgres):
    sprint = SprintFactory(capacity=SEATS)
    sites = [LocalSiteFactory(sprint=sprint, capacity=40) for _ in range(3)]
    places = [None, *sites]
    requests = [(token, _body(sprint, places[i % 4])) for i, token in enumerate(_tokens(PEOPLE))]

    results = _send_all_at_once(f"{live_server.url}/api/v1/registrations", requests)

    _assert_exact(results, Registration.objects.filter(sprint=sprint), PEOPLE)
    for site in sites:
        assert site.registrations.filter(status=RegistrationStatus.CONFIRMED).count() <= site.capacity


def test_concurrent_repeats_by_one_person_make_one_registration(live_server, on_postgres):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, capacity=SEATS)
    token = _tokens(1)[0]
    remote_sprint = SprintFactory()  # no capacity: no lock at all, only the unique constraint
    requests = [(token, _body(sprint, site))] * 40 + [(token, _body(remote_sprint))] * 40

    results = _send_all_at_once(f"{live_server.url}/api/v1/registrations", requests)

    statuses = sorted(status for status, _body in results)
    assert statuses.count(201) == 2 and statuses.count(200) == 78, statuses
    assert Registration.objects.filter(sprint=sprint).count() == 1
    assert Registration.objects.filter(sprint=remote_sprint).count() == 1
    assert len({body["id"] for _s, body in results}) == 2
