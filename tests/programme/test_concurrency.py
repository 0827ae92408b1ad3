"""Concurrent writes to one sprint's programme on PostgreSQL: no change is lost, no position is shared."""

import threading
from datetime import timedelta

import pytest
from django.db import connection

from sprintlab.programme import services, services_resources
from sprintlab.programme.models import Resource, Session
from sprintlab.sprints.models import SprintRole
from tests.factories import RegistrationFactory, SprintFactory, SprintMembershipFactory
from tests.programme.factories import ResourceFactory, SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
THREADS = 6


def run_together(calls) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    failures = []

    def worker(call):
        try:
            barrier.wait()
            call()
        except BaseException as error:  # reported to the test below
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_simultaneous_moves_of_a_session_each_raise_its_sequence(on_postgres):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    session = SessionFactory(sprint=sprint)

    def move(hours):
        start = session.starts_at + timedelta(hours=hours)
        return lambda: services.session_update(
            actor=organiser, session=session, starts_at=start, ends_at=start + timedelta(hours=1)
        )

    assert run_together([move(hours) for hours in range(1, THREADS + 1)]) == []
    assert Session.objects.get(pk=session.pk).sequence == THREADS


def test_simultaneous_reorders_keep_every_position_distinct(on_postgres):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    resources = [ResourceFactory(sprint=sprint, position=index) for index in range(1, THREADS + 1)]
    calls = [
        (
            lambda r=resource, d=("up" if index % 2 else "down"): services_resources.resource_move(
                actor=organiser, resource=r, direction=d
            )
        )
        for index, resource in enumerate(resources)
    ]
    assert run_together(calls) == []
    positions = list(Resource.objects.filter(sprint=sprint).values_list("position", flat=True))
    assert len(set(positions)) == THREADS


def test_starring_twice_at_once_keeps_one_item(on_postgres):
    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint).user
    assert run_together([lambda: services.agenda_add(actor=participant, session=session)] * THREADS) == []
    assert session.agenda_items.count() == 1
