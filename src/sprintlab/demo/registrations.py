"""Registrations for the demo sprints, in every status, never over a site's or a sprint's capacity.

Registrations are decided in the order people signed up, like the real first-come-first-served
flow: a seat while one is left, the waitlist after. Site capacities come from the demand each site
saw, so that some sites fill up and show a waitlist and others keep seats free.
"""

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from sprintlab.demo import catalogue, vocabulary
from sprintlab.demo.people import Person
from sprintlab.demo.sites import DEMO_SITE_CITY, sprint_stage
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.registrations.models import (
    AdmissionWave,
    ExperienceLevel,
    HeardFrom,
    Registration,
    RegistrationStatus,
)
from sprintlab.sprints.models import AdmissionMode, Sprint

R = RegistrationStatus
EXPERIENCE = [level for level, _label in ExperienceLevel.choices]
EXPERIENCE_WEIGHTS = (35, 40, 20, 5)
HEARD_FROM_NEW = [h for h, _label in HeardFrom.choices if h != HeardFrom.PREVIOUS]
# The demo participant's history: a few past sprints, the one running now, then the open one.
DEMO_PARTICIPANT_SPRINTS = (
    "Interpretability Hackathon 3.0",
    "Evals Research Sprint",
    "Sparse Autoencoders Hackathon",
    catalogue.RUNNING_SPRINT_TITLE,
)
AT_SITE_SHARE = 0.55
HOME_SITE_SHARE = 0.8
CANCEL_SHARE = 0.06
CHECK_IN_SHARE = 0.85
# During the running weekend some people have not arrived yet: the check-in page shows both kinds.
CHECK_IN_SHARE_RUNNING = 0.6


def plan_registrations(
    rng: random.Random,
    *,
    sprints: list[Sprint],
    specs,
    sites: list[LocalSite],
    plan,
    participants: list[Person],
    roles: dict[str, Person],
    leads: dict[int, tuple],
    now: datetime,
    advance=lambda n: None,
) -> tuple[list[Registration], list[AdmissionWave]]:
    entries_by_sprint: dict[int, list[tuple[Person, datetime, bool]]] = defaultdict(list)
    for person, entries in zip(participants, plan, strict=True):
        for position, (index, at) in enumerate(entries):
            entries_by_sprint[index].append((person, at, position == 0))
    demo = roles["participant"]
    for position, (index, sprint) in enumerate(
        (i, s) for i, s in enumerate(sprints) if s.title in (*DEMO_PARTICIPANT_SPRINTS, catalogue.OPEN_SPRINT_TITLE)
    ):
        entries_by_sprint[index].append((demo, sprint.registration_opens_at + timedelta(hours=20), position == 0))

    approved_by_sprint = defaultdict(list)
    for site in sites:
        if site.status == SiteStatus.APPROVED:
            approved_by_sprint[id(site.sprint)].append(site)

    registrations, waves = [], []
    organiser = roles["organiser"].user
    for index, entries in sorted(entries_by_sprint.items()):
        sprint = sprints[index]
        entries.sort(key=lambda entry: (entry[1], entry[0].user.email))
        chosen_sites = _choose_sites(rng, entries, approved_by_sprint[id(sprint)], demo)
        _set_capacities(rng, chosen_sites, approved_by_sprint[id(sprint)])
        deciding = _Decider(rng, sprint=sprint, now=now, organiser=organiser, leads=leads)
        if sprint.title == catalogue.OPEN_SPRINT_TITLE:
            deciding.review_one_site(approved_by_sprint[id(sprint)], chosen_sites)
        for (person, at, first), site in zip(entries, chosen_sites, strict=True):
            registrations.append(deciding.decide(person=person, created_at=at, first=first, site=site))
        waves += deciding.finish_waves()
        advance(1)
    return registrations, waves


def _choose_sites(rng, entries, approved: list[LocalSite], demo: Person) -> list[LocalSite | None]:
    by_city = defaultdict(list)
    for site in approved:
        by_city[site.city].append(site)
    chosen = []
    for person, _at, _first in entries:
        if person is demo:
            chosen.append(next((s for s in approved if s.city == DEMO_SITE_CITY), None))
        elif approved and rng.random() < AT_SITE_SHARE:
            home = by_city.get(person.city.name)
            chosen.append(rng.choice(home) if home and rng.random() < HOME_SITE_SHARE else rng.choice(approved))
        else:
            chosen.append(None)
    return chosen


def _set_capacities(rng, chosen_sites, approved: list[LocalSite]) -> None:
    demand = Counter(id(site) for site in chosen_sites if site is not None)
    for site in approved:
        wanted = demand[id(site)]
        # Below 1.0 the site fills up and keeps a waitlist; above it, seats stay free.
        site.capacity = max(4, round(wanted * rng.uniform(0.7, 1.4))) if wanted else rng.randint(10, 40)
        if site.city == DEMO_SITE_CITY and wanted:
            site.capacity = max(4, round(wanted * 0.8))


class _Decider:
    """Decides each registration in sign-up order and keeps seat counts per site and sprint."""

    def __init__(self, rng, *, sprint: Sprint, now: datetime, organiser, leads):
        self.rng, self.sprint, self.now, self.organiser, self.leads = rng, sprint, now, organiser, leads
        self.past = sprint_stage(sprint, now) == "past"
        self.running = self.past and now < sprint.submission_deadline_at
        self.taken_by_site: Counter = Counter()
        self.taken = 0
        self.waves: list[AdmissionWave] = []
        self.reviewed_site: LocalSite | None = None
        if sprint.admission_mode == AdmissionMode.REVIEWED and self.past:
            closes = sprint.registration_deadline
            self.waves = [self._wave(1, closes - timedelta(days=10)), self._wave(2, closes - timedelta(days=3))]

    def _wave(self, number: int, at: datetime, site: LocalSite | None = None) -> AdmissionWave:
        wave = AdmissionWave(
            sprint=self.sprint,
            site=site,
            number=number,
            confirm_by=at + timedelta(hours=self.sprint.confirm_window_hours),
            created_by=self.organiser,
            message="Congratulations, you have a seat! Please confirm it before the deadline.",
        )
        wave.created_at = wave.updated_at = at
        return wave

    def review_one_site(self, approved: list[LocalSite], chosen_sites) -> None:
        """One site of the open sprint reviews its applicants: admitted, applied, declined people."""
        demand = Counter(id(site) for site in chosen_sites if site is not None)
        candidates = [s for s in approved if s.city != DEMO_SITE_CITY and demand[id(s)] >= 3]
        if not candidates:
            return
        self.reviewed_site = max(candidates, key=lambda s: demand[id(s)])
        self.reviewed_site.admission_mode = AdmissionMode.REVIEWED
        self.waves = [self._wave(1, self.now - timedelta(days=1), site=self.reviewed_site)]

    def _seat_free(self, site: LocalSite | None) -> bool:
        if self.sprint.capacity is not None and self.taken >= self.sprint.capacity:
            return False
        return site is None or self.taken_by_site[id(site)] < site.capacity

    def _take_seat(self, site: LocalSite | None) -> None:
        self.taken += 1
        if site is not None:
            self.taken_by_site[id(site)] += 1

    def decide(self, *, person: Person, created_at: datetime, first: bool, site: LocalSite | None) -> Registration:
        rng = self.rng
        registration = Registration(
            sprint=self.sprint,
            user=person.user,
            site=site,
            experience_level=rng.choices(EXPERIENCE, weights=EXPERIENCE_WEIGHTS)[0],
            background=rng.choice(vocabulary.BACKGROUNDS),
            motivation=rng.choice(vocabulary.MOTIVATIONS),
            heard_from=rng.choice(HEARD_FROM_NEW) if first else HeardFrom.PREVIOUS,
            first_sprint=first,
            accepted_code_of_conduct=True,
            consent_fellowship_contact=rng.random() < 0.45,
            consent_public_listing=rng.random() < 0.6,
        )
        registration.created_at = registration.updated_at = created_at
        is_demo = person.user.email.startswith("participant@")
        # The demo participant has not arrived at the running sprint yet: their QR code is on show.
        arrived_share = 0.0 if self.running and is_demo else CHECK_IN_SHARE_RUNNING if self.running else CHECK_IN_SHARE
        if not is_demo and rng.random() < CANCEL_SHARE:
            registration.status = R.CANCELLED
            registration.cancelled_at = min(created_at + timedelta(days=rng.randint(1, 10)), self.now)
        elif site is not None and site is self.reviewed_site:
            self._review_at_site(registration)
        elif self.sprint.admission_mode == AdmissionMode.REVIEWED and self.past:
            self._review_past(registration)
        elif self._seat_free(site):
            self._confirm(registration, at=created_at)
        else:
            registration.status = R.WAITLISTED
        if self.past and registration.status == R.CONFIRMED and site is not None and rng.random() < arrived_share:
            registration.checked_in_at = site.starts_at + timedelta(minutes=rng.randint(0, 180))
            registration.checked_in_by = self.leads[id(site)][0]
        if registration.wave is not None:
            wave = registration.wave
            if registration.status == R.DECLINED:
                wave.declined_count += 1
            else:
                wave.admitted_count += 1
        stamps = [
            registration.created_at,
            registration.cancelled_at,
            registration.confirmed_at,
            registration.checked_in_at,
        ]
        registration.updated_at = max(stamp for stamp in stamps if stamp is not None)
        return registration

    def _confirm(self, registration: Registration, *, at: datetime) -> None:
        self._take_seat(registration.site)
        registration.status = R.CONFIRMED
        registration.confirmed_at = at

    def _review_past(self, registration: Registration) -> None:
        wave = self.waves[0] if registration.created_at < self.waves[0].created_at else self.waves[1]
        registration.wave = wave
        offered_at = max(wave.created_at, registration.created_at + timedelta(hours=1))
        if self._seat_free(registration.site) and self.rng.random() < 0.7:
            registration.offered_at, registration.confirm_by = offered_at, wave.confirm_by
            if self.rng.random() < 0.88:
                self._confirm(registration, at=offered_at + timedelta(hours=self.rng.randint(1, 60)))
            else:
                registration.status = R.EXPIRED
        elif self.rng.random() < 0.4:
            registration.status = R.DECLINED
        else:
            registration.status, registration.wave = R.WAITLISTED, None

    def _review_at_site(self, registration: Registration) -> None:
        wave = self.waves[0]
        roll = self.rng.random()
        if roll < 0.5 and self._seat_free(registration.site):
            self._take_seat(registration.site)
            registration.wave, registration.status = wave, R.OFFERED
            registration.offered_at = max(wave.created_at, registration.created_at)
            registration.confirm_by = wave.confirm_by
            if self.rng.random() < 0.5:
                registration.status = R.CONFIRMED
                registration.confirmed_at = min(registration.offered_at + timedelta(hours=3), self.now)
        elif roll < 0.65:
            registration.wave, registration.status = wave, R.DECLINED
        else:
            registration.status = R.APPLIED

    def finish_waves(self) -> list[AdmissionWave]:
        return self.waves
