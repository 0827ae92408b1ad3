"""Announcement to 10,000 registrants: the organiser's "send now" request, then the fan-out task.

A fresh PostgreSQL database gets one sprint with 10,000 confirmed registrants. The organiser's
POST to the page's send endpoint is timed (target under 1 s: it only marks the announcement and
queues the fan-out), then the fan-out task is run in-process and timed (it writes 10,000 outbox
emails and 10,000 inbox items in bulk and queues their delivery in batches of 100 ids). The
measuring runs in a child process with production settings and the database task queue.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.results import Result
from benchmarks.servers import ROOT, recreate_database, server_env, sprintlab

REGISTRANTS = 10_000
SEND_TARGET_SECONDS = 1.0
# Sends timed (each a different announcement to the same 10,000 people); only the first is fanned out.
SENDS = 5


def run(*, database_url: str, registrants: int = REGISTRANTS, log=print) -> tuple[list[Result], dict]:
    recreate_database(database_url)
    env = server_env(database_url, Path(tempfile.mkdtemp(prefix="sprintlab-bench-static-")))
    log("announcements: migrating")
    sprintlab(["migrate", "--no-input"], env)
    sprintlab(["collectstatic", "--no-input"], env)
    log(f"announcements: {registrants:,} registrants, then send and fan out")
    child = subprocess.run(
        [sys.executable, "-m", "benchmarks.announcements", str(registrants)],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if child.returncode:
        raise RuntimeError(f"the announcement benchmark failed:\n{child.stderr[-3000:]}")
    output = child.stdout
    figures = json.loads(output.strip().splitlines()[-1])
    slowest = max(figures["send_seconds"])
    send = Result(
        name="announcement: send request",
        requests=len(figures["send_seconds"]),
        seconds=sum(figures["send_seconds"]),
        latencies=figures["send_seconds"],
        notes=f"{registrants:,} registrants each; target < {SEND_TARGET_SECONDS:.0f} s: "
        + ("met" if slowest < SEND_TARGET_SECONDS else "NOT met")
        + f" (slowest {slowest * 1000:.0f} ms)",
    )
    fan_out = Result(
        name="announcement: fan-out task",
        requests=figures["emails"] + figures["inbox_items"],
        seconds=figures["fan_out_seconds"],
        latencies=[figures["fan_out_seconds"]],
        notes=f"{figures['emails']:,} emails + {figures['inbox_items']:,} inbox items written, "
        f"{figures['delivery_tasks']} delivery tasks queued; 'per second' counts rows",
    )
    return [send, fan_out], figures


def measure(registrants: int) -> dict:
    """In the child process: build the sprint, time the request and the fan-out."""
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.test import Client
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from sprintlab.accounts.models import User
    from sprintlab.announcements.delivery import announcement_fan_out
    from sprintlab.announcements.models import Announcement, AnnouncementStatus
    from sprintlab.notifications.models import InboxItem, OutboxMessage
    from sprintlab.registrations.models import ExperienceLevel, Registration, RegistrationStatus
    from sprintlab.sprints.models import ResearchArea, Sprint, SprintMembership, SprintRole

    now = timezone.now()
    sprint = Sprint.objects.create(
        title="Benchmark Sprint",
        slug="benchmark-sprint",
        research_area=ResearchArea.EVALUATIONS,
        is_published=True,
        announced_at=now - timedelta(days=30),
        registration_opens_at=now - timedelta(days=20),
        kickoff_at=now + timedelta(days=3),
        submission_deadline_at=now + timedelta(days=5),
        judging_ends_at=now + timedelta(days=12),
        results_published_at=now + timedelta(days=13),
    )
    password = make_password(None)
    people = User.objects.bulk_create(
        [
            User(email=f"person{n}@bench.example.org", display_name=f"Bench Person {n}", password=password)
            for n in range(registrants + 1)
        ],
        batch_size=2000,
    )
    organiser, participants = people[0], people[1:]
    SprintMembership.objects.create(sprint=sprint, user=organiser, role=SprintRole.ORGANISER)
    Registration.objects.bulk_create(
        [
            Registration(
                sprint=sprint,
                user=person,
                status=RegistrationStatus.CONFIRMED,
                experience_level=ExperienceLevel.SOME,
                accepted_code_of_conduct=True,
                confirmed_at=now,
            )
            for person in participants
        ],
        batch_size=2000,
    )
    announcements = [
        Announcement.objects.create(
            sprint=sprint, author=organiser, title=f"Welcome {n}", body="Kickoff is **Saturday**."
        )
        for n in range(SENDS)
    ]
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(organiser)
    # The first request of a process loads the URL configuration and templates: not what is measured.
    client.get(f"/sprints/{sprint.slug}/announcements/{announcements[0].pk}/")
    send_seconds = []
    for announcement in announcements:
        started = time.perf_counter()
        response = client.post(f"/sprints/{sprint.slug}/announcements/{announcement.pk}/send/", {"confirm": "on"})
        send_seconds.append(time.perf_counter() - started)
        assert response.status_code == 302, response.status_code
        assert Announcement.objects.get(pk=announcement.pk).status == AnnouncementStatus.SENDING
    announcement = announcements[0]
    started = time.perf_counter()
    announcement_fan_out(announcement_id=announcement.pk)
    fan_out_seconds = time.perf_counter() - started
    return {
        "send_seconds": [round(seconds, 4) for seconds in send_seconds],
        "fan_out_seconds": round(fan_out_seconds, 3),
        "emails": OutboxMessage.objects.count(),
        "inbox_items": InboxItem.objects.count(),
        "delivery_tasks": DBTaskResult.objects.filter(task_path__endswith="deliver_outbox_batch").count(),
        "registrants": registrants,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    print(json.dumps(measure(int(sys.argv[1]))))
