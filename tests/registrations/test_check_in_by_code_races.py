"""Two organisers scan the same ticket at the same moment, on a real server and PostgreSQL.

Each scan runs in its own server thread with its own connection; the row lock in
``attendance.site_check_in_by_code`` lets exactly one of them check the person in, and the other
answers "already checked in" with the same time.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from sprintlab.core.models import AuditEntry
from sprintlab.registrations import check_in_codes
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory
from tests.helpers import api_key_for
from tests.registrations.helpers import post_json

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SCANNERS = 8


def test_simultaneous_scans_of_one_ticket_check_in_once(live_server, on_postgres):
    site = LocalSiteFactory(doors_open_soon=True)
    organisers = [SiteOrganiserFactory(site=site).user for _ in range(SCANNERS)]
    tokens = [api_key_for(user) for user in organisers]
    attendee = RegistrationFactory(sprint=site.sprint, site=site)
    url = f"{live_server.url}/api/v1/sites/{site.pk}/check-ins/by-code"
    body = {"code": check_in_codes.check_in_token(attendee.pk)}
    barrier = threading.Barrier(SCANNERS)

    def scan(token):
        barrier.wait()
        return post_json(url, token, body)

    with ThreadPoolExecutor(max_workers=SCANNERS) as pool:
        results = list(pool.map(scan, tokens))

    assert [status for status, _answer in results] == [200] * SCANNERS
    assert sorted(answer["already_checked_in"] for _status, answer in results) == [False] + [True] * (SCANNERS - 1)
    assert len({answer["checked_in_at"] for _status, answer in results}) == 1
    assert AuditEntry.objects.filter(action="registration.checked_in").count() == 1
