"""The team-finder benchmark's Django side; run in its own process with DATABASE_URL set (see teamfinder.py).

Builds one sprint with ``--people`` confirmed participants looking for a team (deterministic seed),
plus teams with room, then measures: the suggestions page per request through Django's test client
(server time: routing, middleware, the selector and the template), the ranking alone, the grouping
of every solo (the organisers' service, with its writes), and the quality of both against random
pairings and random groups. Writes the figures as JSON to ``--out``.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from itertools import combinations

SITES = 12
TRACKS = ("Dangerous capability evals", "Evals methodology", "Sandbagging and deception", "Open track")
ZONES = (
    ("Europe/London", 14),
    ("Europe/Berlin", 12),
    ("America/New_York", 12),
    ("America/Los_Angeles", 8),
    ("Asia/Kolkata", 12),
    ("Africa/Nairobi", 8),
    ("Africa/Lagos", 6),
    ("America/Sao_Paulo", 6),
    ("Asia/Singapore", 6),
    ("Asia/Tokyo", 4),
    ("Australia/Sydney", 4),
    ("Asia/Ho_Chi_Minh", 4),
)
TEAMS_WITH_ROOM = 150


def build(people: int, seed: int):
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from sprintlab.accounts.models import User
    from sprintlab.demo.teamfinder import card
    from sprintlab.localsites.models import LocalSite, SiteStatus
    from sprintlab.registrations.models import ExperienceLevel, Registration, RegistrationStatus
    from sprintlab.sprints.models import ResearchArea, Sprint, SprintMembership, SprintRole, Track
    from sprintlab.teamfinder.models import FinderProfile
    from sprintlab.teams.models import JoinedVia, Team, TeamMember

    rng = random.Random(seed)
    now = timezone.now()
    kickoff = (now + timezone.timedelta(days=10)).replace(hour=14, minute=0, second=0, microsecond=0)
    password = make_password(None)
    organiser = User.objects.create(
        email="finder-organiser@example.org", display_name="Finder Organiser", password=password
    )
    sprint = Sprint.objects.create(
        title="Evaluations Sprint (finder benchmark)",
        slug="finder-bench",
        research_area=ResearchArea.EVALUATIONS,
        is_published=True,
        capacity=None,
        team_size_min=2,
        team_size_max=5,
        announced_at=now - timezone.timedelta(days=40),
        registration_opens_at=now - timezone.timedelta(days=30),
        kickoff_at=kickoff,
        submission_deadline_at=kickoff + timezone.timedelta(days=2),
        judging_ends_at=kickoff + timezone.timedelta(days=9),
        results_published_at=kickoff + timezone.timedelta(days=10),
        created_by=organiser,
    )
    SprintMembership.objects.create(sprint=sprint, user=organiser, role=SprintRole.ORGANISER)
    tracks = [Track.objects.create(sprint=sprint, name=name, position=n) for n, name in enumerate(TRACKS)]
    sites = LocalSite.objects.bulk_create(
        LocalSite(
            sprint=sprint, name=f"Hub {n}", slug=f"hub-{n}", address="1 Main Street", city="City", country="GB",
            capacity=1000, timezone="Europe/London", starts_at=kickoff, ends_at=sprint.submission_deadline_at,
            contact_name="Lead", contact_email="lead@example.org", status=SiteStatus.APPROVED, applicant=organiser,
        )
        for n in range(SITES)
    )  # fmt: skip
    zones, weights = zip(*ZONES, strict=True)
    in_teams = TEAMS_WITH_ROOM * 2
    users = User.objects.bulk_create(
        User(
            email=f"looking{n}@example.org",
            display_name=f"Person {n}",
            timezone=rng.choices(zones, weights)[0],
            password=password,
        )
        for n in range(people + in_teams)
    )
    Registration.objects.bulk_create(
        Registration(
            sprint=sprint,
            user=user,
            site=rng.choice(sites) if rng.random() < 0.35 else None,
            status=RegistrationStatus.CONFIRMED,
            experience_level=ExperienceLevel.SOME,
            accepted_code_of_conduct=True,
            confirmed_at=now,
        )
        for user in users
    )
    track_ids = [track.pk for track in tracks]
    FinderProfile.objects.bulk_create(
        FinderProfile(sprint=sprint, user=user, **card(rng, research_area=sprint.research_area, zone=user.timezone, track_ids=track_ids))
        for user in users
    )  # fmt: skip
    teams = Team.objects.bulk_create(
        Team(sprint=sprint, name=f"Team {n}", lead=users[people + 2 * n], track_id=rng.choice(track_ids))
        for n in range(TEAMS_WITH_ROOM)
    )
    TeamMember.objects.bulk_create(
        TeamMember(team=team, sprint=sprint, user=users[people + 2 * n + k], joined_via=JoinedVia.FOUNDED)
        for n, team in enumerate(teams)
        for k in range(2)
    )
    return sprint, organiser, users[:people]


def _pair(a, b) -> tuple[float, int, float]:
    from sprintlab.teamfinder.matching import jaccard, shared_hours

    return jaccard(a.interests, b.interests), (a.skills ^ b.skills).bit_count(), shared_hours(a.waking & b.waking)


def _group(members) -> tuple[float, int, float]:
    from sprintlab.teamfinder.matching import FULL_DAY, jaccard, shared_hours

    pairs = list(combinations(members, 2))
    interests = statistics.fmean(jaccard(a.interests, b.interests) for a, b in pairs)
    skills = 0
    waking = FULL_DAY
    for member in members:
        skills |= member.skills
        waking &= member.waking
    return interests, skills.bit_count(), shared_hours(waking)


def _means(rows) -> list[float]:
    return [round(statistics.fmean(column), 2) for column in zip(*rows, strict=True)] if rows else [0, 0, 0]


def quality(pool, groups, seed: int) -> dict:
    from sprintlab.teamfinder.matching import rank_people

    rng = random.Random(seed + 1)
    by_id = {person.user_id: person for person in pool}
    sample = rng.sample(pool, min(300, len(pool)))
    finder_rows, random_rows = [], []
    for viewer in sample:
        top = rank_people(viewer, pool, limit=1)[0].person
        finder_rows.append(_pair(viewer, top))
        other = rng.choice(pool)
        while other.user_id == viewer.user_id:
            other = rng.choice(pool)
        random_rows.append(_pair(viewer, other))
    grouped = [[by_id[user_id] for user_id in group] for group in groups]
    # Random groups of the same sizes, each within one place (a site, or remote) as the grouping's are.
    by_place: dict = {}
    for group in grouped:
        by_place.setdefault(group[0].site_id, []).append(group)
    random_groups = []
    for place_groups in by_place.values():
        people = [person for group in place_groups for person in group]
        rng.shuffle(people)
        for group in place_groups:
            random_groups.append(people[: len(group)])
            people = people[len(group) :]
    return {
        "pairs": {"finder top suggestion": _means(finder_rows), "random pairing": _means(random_rows)},
        "groups": {
            "grouping": _means([_group(group) for group in grouped]),
            "random groups": _means([_group(group) for group in random_groups]),
        },
    }


def _pages(client, url: str, viewers: list, *, between=None) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of the suggestions page for each viewer after the first 10 (which warm
    the process's caches); ``between(n)``, if given, runs untimed before request ``n``."""
    latencies, cpu_seconds = [], []
    for n, viewer in enumerate(viewers):
        if between is not None:
            between(n)
        client.force_login(viewer)
        began, cpu_began = time.perf_counter(), time.process_time()
        response = client.get(url)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu_began
        assert response.status_code == 200, response.status_code
        if n >= 10:
            latencies.append(elapsed)
            cpu_seconds.append(cpu)
    return latencies, cpu_seconds


class Writes:
    """What happens while people browse: every 5th request follows a write, alternately a card saved
    through the service (a new note) and a looking person joining a team with room."""

    def __init__(self, sprint, looking, rng):
        from sprintlab.teams.models import Team

        self.sprint, self.rng, self.done = sprint, rng, 0
        self.joiners = iter(rng.sample(looking, len(looking)))
        self.teams = iter(list(Team.objects.filter(sprint=sprint).order_by("pk")))
        self.joined = []

    def __call__(self, n: int) -> None:
        if n % 5:
            return
        from sprintlab.teamfinder import services
        from sprintlab.teamfinder.models import FinderProfile
        from sprintlab.teams.models import JoinedVia, TeamMember

        person = next(self.joiners)
        if n % 10:
            self.joined.append(
                TeamMember.objects.create(
                    team=next(self.teams), sprint=self.sprint, user=person, joined_via=JoinedVia.CODE
                ).pk
            )
        else:
            card = FinderProfile.objects.get(sprint=self.sprint, user=person)
            services.finder_profile_save(
                actor=person,
                sprint=self.sprint,
                is_looking=True,
                interests=card.interests,
                skills=card.skills,
                free_tags=card.free_tags,
                timezone_name=card.timezone,
                waking_start=card.waking_start,
                waking_end=card.waking_end,
                preferred_track=card.preferred_track,
                note=f"Changed at request {n}.",
            )
        self.done += 1

    def undo(self) -> None:
        from sprintlab.teams.models import TeamMember

        TeamMember.objects.filter(pk__in=self.joined).delete()


def _say(message: str) -> None:
    print(f"teamfinder: {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sprintlab.settings")
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sprintlab.teamfinder import selectors, services
    from sprintlab.teamfinder.matching import rank_people
    from sprintlab.teamfinder.models import ProposedMember

    started = time.perf_counter()
    sprint, organiser, looking = build(args.people, args.seed)
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh planner statistics after the bulk load, as the demo loader does.
        cursor.execute("ANALYZE")
    built_seconds = time.perf_counter() - started
    _say(f"built the sprint in {built_seconds:.1f} s; measuring the suggestions page")
    rng = random.Random(args.seed + 2)
    client = Client(HTTP_HOST="127.0.0.1")
    url = reverse("teamfinder:suggestions", kwargs={"slug": sprint.slug})
    viewers = [rng.choice(looking) for _ in range(args.requests + 10)]
    page_latencies, page_cpu = _pages(client, url, viewers)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    page_queries = len(queries.captured_queries)  # now: the next request clears Django's query log
    _say("measuring the suggestions page again, with a card saved or a person joining a team every 5 requests")
    writes = Writes(sprint, looking, rng)
    written_latencies, written_cpu = _pages(client, url, [rng.choice(looking) for _ in viewers], between=writes)
    writes.undo()  # the grouping below takes all 3,000 again
    _say("measuring the ranking alone")
    pool = selectors.looking_pool(sprint)
    rank_latencies = []
    for viewer in rng.sample(pool, 100):
        began = time.perf_counter()
        rank_people(viewer, pool, limit=10)
        rank_latencies.append(time.perf_counter() - began)
    _say("grouping every solo")
    began = time.perf_counter()
    run = services.grouping_run_create(actor=organiser, sprint=sprint)
    grouping_seconds = time.perf_counter() - began
    groups: dict[int, list[int]] = {}
    for group_id, user_id in ProposedMember.objects.filter(group__run=run).values_list("group_id", "user_id"):
        groups.setdefault(group_id, []).append(user_id)
    result = {
        "people": args.people,
        "build_seconds": round(built_seconds, 1),
        "page_latencies": page_latencies,
        # CPU seconds of the Django process alone (PostgreSQL's share is in the wall time above).
        "page_cpu_ms_median": round(statistics.median(page_cpu) * 1000, 1),
        "page_cpu_ms_p95": round(sorted(page_cpu)[int(len(page_cpu) * 0.95)] * 1000, 1),
        # One more page for the last viewer, nothing changed meanwhile: the queries of a warm request.
        "page_queries": page_queries,
        "rank_latencies": rank_latencies,
        "written_page_latencies": written_latencies,
        "written_page_cpu": [round(cpu * 1000, 1) for cpu in written_cpu],
        "written_page_cpu_ms_median": round(statistics.median(written_cpu) * 1000, 1),
        "written_page_cpu_ms_p95": round(sorted(written_cpu)[int(len(written_cpu) * 0.95)] * 1000, 1),
        "writes": writes.done,
        "grouping_seconds": grouping_seconds,
        "grouped_people": run.people_count,
        "groups": run.group_count,
        "left_alone": run.left_alone_count,
        "quality": quality(pool, list(groups.values()), args.seed),
    }
    with open(args.out, "w") as out:
        json.dump(result, out)


if __name__ == "__main__":
    main()
