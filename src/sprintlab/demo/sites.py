"""Local sites for the demo sprints: applications in every status, in 50+ cities worldwide."""

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.utils.text import slugify

from sprintlab.demo import catalogue
from sprintlab.demo.catalogue import SprintSpec
from sprintlab.demo.people import Person
from sprintlab.demo.places import CITIES, City
from sprintlab.demo.timeline import local_window, moment_between
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.sprints.models import Sprint

S = SiteStatus
# Status mix by where the sprint stands: old applications are decided, new ones still wait.
STATUS_MIX = {
    "past": ((S.APPROVED, 88), (S.REJECTED, 7), (S.WITHDRAWN, 5)),
    "open": ((S.APPROVED, 72), (S.PENDING, 12), (S.CHANGES_REQUESTED, 8), (S.REJECTED, 5), (S.WITHDRAWN, 3)),
    "announced": ((S.APPROVED, 40), (S.PENDING, 40), (S.CHANGES_REQUESTED, 15), (S.REJECTED, 5)),
}
# Every published sprint has an approved site here: the demo site organiser runs it.
DEMO_SITE_CITY = "Nairobi"
# The open sprint shows the places the organisation is known for.
SHOWCASE_CITIES = ("Nairobi", "Stanford", "Berkeley", "Cambridge", "Oxford", "Bengaluru", "Hanoi", "São Paulo")
STREETS = ("University Road", "Science Park", "Innovation Way", "Market Street", "College Avenue", "Station Road")
REASONS = {
    S.REJECTED: "Another site in this city already covers the area; please join forces with them.",
    S.CHANGES_REQUESTED: "Please add accessibility details and confirm the venue is booked for both days.",
}
CITY_WEIGHTS = [city.weight + 1 for city in CITIES]
CITY_BY_NAME = {city.name: city for city in CITIES}


def sprint_stage(sprint: Sprint, now: datetime) -> str | None:
    if not sprint.is_published:
        return None
    if sprint.kickoff_at <= now:
        return "past"
    return "open" if sprint.registration_opens_at <= now else "announced"


def site_counts(specs: tuple[SprintSpec, ...], sprints: list[Sprint], total: int, now: datetime) -> list[int]:
    weights = [spec.size if sprint_stage(sprint, now) else 0.0 for spec, sprint in zip(specs, sprints, strict=True)]
    counts = [max(int(total * w / sum(weights)), 8) if w else 0 for w in weights]
    busiest = max(range(len(counts)), key=lambda i: weights[i])
    counts[busiest] += total - sum(counts)
    return counts


def build_sites(
    rng: random.Random,
    *,
    sprints: list[Sprint],
    specs,
    total: int,
    now: datetime,
    participants: list[Person],
    roles: dict[str, Person],
) -> tuple[list[LocalSite], dict[int, tuple]]:
    """Sites (unsaved) and, by ``id(site)``, their lead organiser and optional co-organiser."""
    locals_by_city = defaultdict(list)
    for person in participants:
        locals_by_city[person.city.name].append(person.user)
    organiser = roles["organiser"].user
    sites, leads = [], {}
    for sprint, count in zip(sprints, site_counts(specs, sprints, total, now), strict=True):
        stage = sprint_stage(sprint, now)
        if not count:
            continue
        statuses, status_weights = zip(*STATUS_MIX[stage], strict=True)
        forced = SHOWCASE_CITIES if sprint.title == catalogue.OPEN_SPRINT_TITLE else (DEMO_SITE_CITY,)
        venues_used: Counter = Counter()
        slugs: set[str] = set()
        for n in range(count):
            if n < len(forced):
                city, status = CITY_BY_NAME[forced[n]], S.APPROVED
            else:
                city = rng.choices(CITIES, weights=CITY_WEIGHTS)[0]
                status = rng.choices(statuses, weights=status_weights)[0]
            site = _site(rng, sprint=sprint, city=city, status=status, now=now, venues_used=venues_used, slugs=slugs)
            if n == 0:
                lead = roles["site_organiser"].user
            else:
                lead = rng.choice(locals_by_city[city.name] or [p.user for p in participants])
            co_organiser = (
                rng.choice(locals_by_city[city.name]) if locals_by_city[city.name] and rng.random() < 0.3 else None
            )
            site.applicant = lead
            site.contact_name, site.contact_email = lead.display_name, lead.email
            if status != S.PENDING:
                site.decided_by = organiser
                site.decided_at = min(site.created_at + timedelta(days=rng.randint(1, 6)), now)
                site.decision_reason = REASONS.get(status, "")
            sites.append(site)
            leads[id(site)] = (lead, co_organiser)
    return sites, leads


def _site(rng, *, sprint, city: City, status, now, venues_used: Counter, slugs: set[str]) -> LocalSite:
    used = venues_used[city.name]
    venues_used[city.name] += 1
    venue = city.venues[used % len(city.venues)]
    if used >= len(city.venues):
        venue = f"{venue} (room {used // len(city.venues) + 1})"
    slug = base = slugify(f"{city.name} {venue}")[:110] or "site"
    suffix = 2
    while slug in slugs:
        slug, suffix = f"{base}-{suffix}", suffix + 1
    slugs.add(slug)
    starts_at, ends_at = local_window(sprint.kickoff_at, sprint.submission_deadline_at, city.timezone)
    created_at = moment_between(rng, sprint.announced_at, min(sprint.kickoff_at - timedelta(days=5), now))
    site = LocalSite(
        sprint=sprint,
        name=venue,
        slug=slug,
        description=catalogue.SITE_DESCRIPTION.format(venue=venue, city=city.name),
        address=f"{rng.randint(1, 240)} {rng.choice(STREETS)}, {city.name}",
        city=city.name,
        country=city.country,
        latitude=Decimal(f"{city.latitude + rng.uniform(-0.02, 0.02):.6f}"),
        longitude=Decimal(f"{city.longitude + rng.uniform(-0.02, 0.02):.6f}"),
        capacity=20,  # set from demand once registrations are planned
        accessibility_notes=rng.choice(
            (
                "Step-free access through the main entrance; accessible toilets on every floor.",
                "Lift to the second floor; quiet room available.",
                "",
            )
        ),
        timezone=city.timezone,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
    )
    site.created_at = site.updated_at = created_at
    return site
