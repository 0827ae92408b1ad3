"""Announcement to 10,000 registrants: the organiser's "send now" request, the fan-out task, then
its delivery by the task workers.

A fresh PostgreSQL database gets one sprint with 10,000 confirmed registrants. The organiser's
POST to the page's send endpoint is timed (target under 1 s: it only marks the announcement and
queues the fan-out), then the fan-out task is run in-process and timed (it writes 10,000 outbox
emails and 10,000 inbox items in bulk and queues their delivery in batches of 100 ids). The
measuring runs in a child process with production settings and the database task queue.

Then delivery, the path a real announcement takes: ``--task-workers`` ``sprintlab task-worker``
processes (as in the outbox benchmark, with the console "log" email backend, each writing to its
own file) run the queued ``deliver_outbox_batch`` tasks (``fanout.deliver_batch`` →
``delivery.outbox_deliver_many``) until every email is sent. Target (issue 8): 300 emails a second
or more. Every Message-ID and every recipient in the workers' output is counted: none may be
missing, none may appear twice.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.outbox import TARGET_RATE, OutboxSite
from benchmarks.results import Result
from benchmarks.servers import ROOT, recreate_database, server_env, sprintlab

REGISTRANTS = 10_000
SEND_TARGET_SECONDS = 1.0
# Sends timed (each a different announcement to the same 10,000 people); only the first is fanned out.
SENDS = 5


def run(*, database_url: str, registrants: int = REGISTRANTS, workers: int = 2, log=print) -> tuple[list[Result], dict]:
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
    delivery, figures["delivery"] = deliver(
        database_url=database_url, emails=figures["emails"], workers=workers, log=log
    )
    return [send, fan_out, delivery], figures


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def deliver(*, database_url: str, emails: int, workers: int, log=print) -> tuple[Result, dict]:
    """Start the task workers on the fan-out's queued delivery tasks; time them until every email is sent."""
    site = OutboxSite(database_url, ROOT / "var" / "bench" / "announcements")
    site.clear_logs()
    log(f"announcements: {workers} task-workers deliver the fan-out's {emails:,} emails")
    cpu_before, started = _children_cpu(), time.monotonic()
    try:
        site.start_workers(workers)
        site.wait_until_sent(emails, timeout=max(120, emails / 20))
        until_all_sent = time.monotonic() - started
    finally:
        site.stop()
    workers_cpu = _children_cpu() - cpu_before  # the stopped workers' CPU, PostgreSQL's not included
    seconds = site.sending_seconds()
    by_message, by_recipient = site.deliveries(), site.recipients()
    figures = {
        "emails": emails,
        "workers": workers,
        "sending_seconds": round(seconds, 2),
        "workers_start_to_all_sent_seconds": round(until_all_sent, 2),
        "rate": round(emails / seconds, 1) if seconds else None,
        "missing": len(site.message_ids() - set(by_message)),
        "sent_twice": sum(n - 1 for n in by_message.values() if n > 1),
        "recipients": len(by_recipient),
        "recipients_twice": sum(n - 1 for n in by_recipient.values() if n > 1),
        "workers_cpu_ms_per_email": round(workers_cpu / emails * 1000, 2),
    }
    log(f"announcements: delivery {figures}")
    result = Result(
        name=f"announcement: delivery, {workers} task-workers",
        requests=emails,
        seconds=seconds,
        errors=figures["missing"] + figures["sent_twice"] + figures["recipients_twice"],
        target_rate=TARGET_RATE,
        notes=(
            f"{emails:,} emails from first to last sent_at; {until_all_sent:.1f} s from starting the workers "
            f"(their start-up included); {figures['missing']} missing, {figures['sent_twice']} Message-IDs and "
            f"{figures['recipients_twice']} recipients twice; workers' CPU {figures['workers_cpu_ms_per_email']} ms "
            "per email (PostgreSQL's not included)"
        ),
    )
    return result, figures


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
    delivery_tasks = DBTaskResult.objects.filter(task_path__endswith="deliver_outbox_batch").count()
    # The four other sends were timed for their request only: their fan-outs (and the first one's
    # task, already run above) must not add 40,000 emails to the delivery measured next.
    DBTaskResult.objects.filter(task_path__endswith="fan_out_announcement").delete()
    return {
        "send_seconds": [round(seconds, 4) for seconds in send_seconds],
        "fan_out_seconds": round(fan_out_seconds, 3),
        "emails": OutboxMessage.objects.count(),
        "inbox_items": InboxItem.objects.count(),
        "delivery_tasks": delivery_tasks,
        "registrants": registrants,
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    print(json.dumps(measure(int(sys.argv[1]))))
