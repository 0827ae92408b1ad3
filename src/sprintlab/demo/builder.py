"""Build the demo database: deterministic, shaped like the organisation's history, written in bulk.

One ``random.Random(seed)`` drives every choice, so the same seed on the same day gives the same
data. Rows are written with ``bulk_create`` in batches (never one ``save()`` per row) inside one
transaction; nothing goes through the services, so no email is queued.
"""

import random
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from django.db import connection, transaction
from django.utils import timezone

from sprintlab.accounts.models import Tag, User
from sprintlab.demo import catalogue
from sprintlab.demo.announcements import build_announcements
from sprintlab.demo.artwork import cover_for, logo_for
from sprintlab.demo.judging import build_judging
from sprintlab.demo.library import build_library
from sprintlab.demo.mentoring import build_mentor_help
from sprintlab.demo.notifications import build_notifications
from sprintlab.demo.people import Person, build_role_accounts, build_tags, hash_demo_password, make_person
from sprintlab.demo.programme import build_programme
from sprintlab.demo.registrations import plan_registrations
from sprintlab.demo.sites import build_sites
from sprintlab.demo.submissions import build_submissions
from sprintlab.demo.teamfinder import build_team_finder
from sprintlab.demo.teams import plan_teams, write_teams
from sprintlab.demo.timeline import build_sprint, historical_timestamps, moment_between
from sprintlab.judging.models import Review
from sprintlab.library.models import Publication, PublicationStatus
from sprintlab.localsites.models import LocalSite, SiteOrganiser
from sprintlab.mentoring.models import HelpRequest, OfficeHourSlot
from sprintlab.registrations.models import AdmissionWave, Registration
from sprintlab.sprints.models import Partner, Prize, Sprint, SprintMembership, SprintRole, Track
from sprintlab.submissions.models import Submission
from sprintlab.teams.models import Team

BATCH_SIZE = 2000
Advance = Callable[[int], None]


class Progress(Protocol):
    def stage(self, label: str, total: int) -> AbstractContextManager[Advance]: ...


class SilentProgress:
    @contextmanager
    def stage(self, label: str, total: int):
        yield lambda n: None


@dataclass(frozen=True)
class Scale:
    participants: int
    sites: int
    organiser_team: int


SCALES = {
    "small": Scale(participants=1_250, sites=200, organiser_team=6),
    "large": Scale(participants=100_000, sites=2_000, organiser_team=12),
}


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)


class DemoBuilder:
    def __init__(self, *, scale: str, seed: int = 2022, now: datetime | None = None, progress: Progress | None = None):
        self.scale = SCALES[scale]
        self.scale_name = scale
        self.rng = random.Random(seed)
        # Everything is placed relative to the start of today (UTC), not the current second, so
        # that the same command run twice on one day builds exactly the same data.
        self.today = (now or timezone.now()).replace(hour=0, minute=0, second=0, microsecond=0)
        self.now = self.today
        # The second the demo is loaded: only the running sprint's live help queue is placed against it.
        self.moment = now or timezone.now()
        self.progress = progress or SilentProgress()
        self.password_hash = hash_demo_password()

    # --- Orchestration ------------------------------------------------------------------
    def build(self) -> DemoSummary:
        with historical_timestamps(), transaction.atomic():
            partners = self._partners_and_tags()
            sprints = [build_sprint(spec, today=self.today) for spec in catalogue.SPRINTS]
            plan = self._plan_participants(sprints)
            roles, team, partner_people, participants = self._people(plan, sprints)
            self._profiles([*roles.values(), *team, *partner_people.values(), *participants])
            self._set_capacities(sprints, plan)
            self._sprints(sprints, partners, roles, team, partner_people)
            sites, leads = build_sites(
                self.rng,
                sprints=sprints,
                specs=catalogue.SPRINTS,
                total=self.scale.sites,
                now=self.now,
                participants=participants,
                roles=roles,
            )
            # Deciding registrations sets each site's capacity, so it comes before the sites are written.
            with self.progress.stage("Seats and waitlists", len(sprints)) as advance:
                registrations, waves = plan_registrations(
                    self.rng,
                    sprints=sprints,
                    specs=catalogue.SPRINTS,
                    sites=sites,
                    plan=plan,
                    participants=participants,
                    roles=roles,
                    leads=leads,
                    now=self.now,
                    advance=advance,
                )
            self._sites(sites, leads)
            with self.progress.stage("Registrations", len(registrations) + len(waves)) as advance:
                self._bulk(AdmissionWave, waves, advance)
                self._bulk(Registration, registrations, advance)
            with self.progress.stage("Teams", 1) as advance:
                rows = plan_teams(
                    self.rng, sprints=sprints, registrations=registrations, participant=roles["participant"].user,
                    now=self.now,
                )  # fmt: skip
                write_teams(rows, lambda model, objs: self._bulk(model, objs, lambda n: None))
                advance(1)
            with self.progress.stage("Submissions", 1):
                # Its own random stream, so adding submissions changed none of the rows above.
                build_submissions(random.Random(f"submissions-{self.scale_name}"), sprints=sprints, now=self.now)
            with self.progress.stage("Announcements", 1):
                build_announcements(now=self.now)
            with self.progress.stage("Schedules, resources and agendas", 1):
                # Its own random stream, so adding the programme changed none of the rows above.
                build_programme(
                    random.Random(f"programme-{self.scale_name}"),
                    sprints=sprints,
                    sites=sites,
                    participant=roles["participant"].user,
                    scale=self.scale_name,
                )
            # Last: mentor help uses the teams of the sprints that ran and run now, when there are any.
            with self.progress.stage("Mentors, office hours and help requests", 1):
                build_mentor_help(
                    self.rng, sprints=sprints, mentor=roles["mentor"].user, now=self.now, moment=self.moment
                )
            # After the teams (and the submissions, when their demo runs first): its own random stream.
            with self.progress.stage("Judges, criteria, assignments and scores", 1):
                build_judging(
                    random.Random(f"judging-{self.scale_name}"),
                    sprints=sprints,
                    judge=roles["judge"].user,
                    now=self.now,
                )
            with self.progress.stage("Projects, results and the library", 1):
                # Its own random stream, so adding the library changed none of the rows above.
                build_library(
                    random.Random(f"library-{self.scale_name}"),
                    sprints=sprints,
                    reviewer=roles["staff"].user,
                    scale=self.scale_name,
                    now=self.now,
                )
            with self.progress.stage("Inboxes and notification settings", 1):
                build_notifications(self.rng, sprints=sprints, registrations=registrations, roles=roles, now=self.now)
        # Cards and the grouping run are written as of now, by the organisers' own service.
        with self.progress.stage("Team finder", 1), transaction.atomic():
            build_team_finder(self.rng)
        with self.progress.stage("Planner statistics", 1), connection.cursor() as cursor:
            # After a bulk load the planner still believes the tables are tiny until autovacuum
            # catches up; fresh statistics make the first page loads use the right plans.
            cursor.execute("ANALYZE")
        return DemoSummary(counts=self.counts())

    def _bulk(self, model, objs: list, advance: Advance) -> None:
        for start in range(0, len(objs), BATCH_SIZE):
            chunk = objs[start : start + BATCH_SIZE]
            model.objects.bulk_create(chunk, batch_size=BATCH_SIZE)
            advance(len(chunk))

    # --- Stages -------------------------------------------------------------------------
    def _partners_and_tags(self) -> dict[str, Partner]:
        interests, skills = build_tags()
        partners = [Partner(name=p.name, url=p.url, logo=logo_for(name=p.name)) for p in catalogue.PARTNERS]
        start = datetime(2022, 9, 1, tzinfo=self.now.tzinfo)
        for partner in partners:
            partner.created_at = partner.updated_at = start
        with self.progress.stage("Partners and tags", len(partners) + len(interests) + len(skills)) as advance:
            self._bulk(Partner, partners, advance)
            self._bulk(Tag, interests + skills, advance)
        self.interest_tags, self.skill_tags = interests, skills
        return {partner.name: partner for partner in partners}

    def _plan_participants(self, sprints: list[Sprint]) -> list[list[tuple[int, datetime]]]:
        """For each participant, the sprints they register for and when (returning people register often)."""
        open_for_people = [
            index
            for index, sprint in enumerate(sprints)
            if sprint.is_published and sprint.registration_opens_at <= self.now
        ]
        weights = [catalogue.SPRINTS[index].size for index in open_for_people]
        plan = []
        with self.progress.stage("Planning participation", self.scale.participants) as advance:
            for n in range(self.scale.participants):
                if n and n % 1000 == 0:
                    advance(1000)
                count = self.rng.choices((1, 2, 3, 4, 5), weights=(60, 22, 10, 5, 3))[0]
                chosen: list[int] = []
                while len(chosen) < count:
                    index = self.rng.choices(open_for_people, weights=weights)[0]
                    if index not in chosen:
                        chosen.append(index)
                entries = []
                for index in sorted(chosen, key=lambda i: sprints[i].kickoff_at):
                    sprint = sprints[index]
                    closes = min(sprint.registration_closes_at or sprint.kickoff_at, self.now)
                    entries.append((index, moment_between(self.rng, sprint.registration_opens_at, closes)))
                plan.append(entries)
            advance(self.scale.participants % 1000 or 1000)
        return plan

    def _people(self, plan, sprints):
        first_day = datetime(2022, 9, 1, tzinfo=self.now.tzinfo)
        make = lambda index, **kwargs: make_person(  # noqa: E731 - a short local shorthand
            self.rng, index=index, password_hash=self.password_hash, **kwargs
        )
        roles = build_role_accounts(self.rng, password_hash=self.password_hash, joined_at=first_day)
        team = [make(10 + n, joined_at=first_day) for n in range(self.scale.organiser_team)]
        for n, person in enumerate(team):
            person.user.email = person.user.email.replace("@", f".team{n}@")
        partner_people = {}
        for n, spec in enumerate(catalogue.PARTNERS):
            person = make(100 + n, joined_at=first_day)
            person.user.email = person.user.email.replace("@", f".partner{n}@")
            person.user.affiliation = spec.name
            partner_people[spec.name] = person
        participants = []
        total = len(roles) + len(team) + len(partner_people) + len(plan)
        # Each person counts twice on the bar: once built, once written.
        with self.progress.stage("People", 2 * total) as advance:
            for n, entries in enumerate(plan):
                joined = entries[0][1] - timedelta(days=self.rng.randint(0, 30), minutes=self.rng.randint(0, 1439))
                participants.append(make(1000 + n, joined_at=joined))
                if n % 1000 == 999:
                    advance(1000)
            advance(total - len(plan) // 1000 * 1000)
            everyone = [*roles.values(), *team, *partner_people.values(), *participants]
            self._bulk(User, [person.user for person in everyone], advance)
        self._verify_role_emails(roles)
        return roles, team, partner_people, participants

    def _verify_role_emails(self, roles: dict[str, Person]) -> None:
        # The demo logins must sign in without an email round trip.
        from allauth.account.models import EmailAddress

        EmailAddress.objects.bulk_create(
            [EmailAddress(user=p.user, email=p.user.email, verified=True, primary=True) for p in roles.values()]
        )

    def _profiles(self, people: list[Person]) -> None:
        interest_links = [
            User.interests.through(user_id=p.user.pk, tag_id=self.interest_tags[i].pk)
            for p in people
            for i in p.interests
        ]
        skill_links = [
            User.skills.through(user_id=p.user.pk, tag_id=self.skill_tags[i].pk) for p in people for i in p.skills
        ]
        with self.progress.stage("Interests and skills", len(interest_links) + len(skill_links)) as advance:
            self._bulk(User.interests.through, interest_links, advance)
            self._bulk(User.skills.through, skill_links, advance)

    def _sprints(self, sprints, partners, roles, team, partner_people) -> None:
        organiser = roles["organiser"].user
        with self.progress.stage("Sprints, tracks and prizes", len(sprints)) as advance:
            for sprint in sprints:
                sprint.created_by = organiser
                sprint.cover_image = cover_for(slug=sprint.slug, area=sprint.research_area)
            self._bulk(Sprint, sprints, lambda n: None)
            tracks, prizes, partner_links, memberships = [], [], [], []
            for spec, sprint in zip(catalogue.SPRINTS, sprints, strict=True):
                tracks += [
                    Track(
                        sprint=sprint,
                        name=name,
                        position=position,
                        description=catalogue.TRACK_DESCRIPTION,
                    )
                    for position, name in enumerate(spec.tracks)
                ]
                prizes += [
                    Prize(
                        sprint=sprint,
                        name=name,
                        amount=amount,
                        position=position,
                        description="Awarded by the judges after the sprint.",
                    )
                    for position, (name, amount) in enumerate(catalogue.PRIZE_LADDER)
                ]
                partner_links += [
                    Sprint.partners.through(sprint_id=sprint.pk, partner_id=partners[name].pk) for name in spec.partners
                ]
                joined = sprint.created_at
                memberships.append(SprintMembership(sprint=sprint, user=organiser, role=SprintRole.ORGANISER))
                for person in self.rng.sample(team, 2):
                    memberships.append(SprintMembership(sprint=sprint, user=person.user, role=SprintRole.ORGANISER))
                for name in spec.partners:
                    memberships.append(
                        SprintMembership(
                            sprint=sprint,
                            user=partner_people[name].user,
                            role=SprintRole.COHOST,
                            partner=partners[name],
                        )
                    )
                    if name == "Apollo Research":
                        memberships.append(
                            SprintMembership(
                                sprint=sprint, user=roles["cohost"].user, role=SprintRole.COHOST, partner=partners[name]
                            )
                        )
                for membership in memberships:
                    if membership.sprint is sprint:
                        membership.created_at = membership.updated_at = joined
                advance(1)
            Track.objects.bulk_create(tracks)
            Prize.objects.bulk_create(prizes)
            Sprint.partners.through.objects.bulk_create(partner_links)
            SprintMembership.objects.bulk_create(memberships)

    def _set_capacities(self, sprints: list[Sprint], plan) -> None:
        """A sprint with a capacity factor gets a cap of 0.85 × factor × its demand (below 1/0.85 its waitlist shows)."""
        demand = Counter(index for entries in plan for index, _at in entries)
        for index, (spec, sprint) in enumerate(zip(catalogue.SPRINTS, sprints, strict=True)):
            if spec.capacity_factor:
                sprint.capacity = max(1, int(demand[index] * spec.capacity_factor * 0.85))

    def _sites(self, sites: list[LocalSite], leads) -> None:
        links = []
        for site in sites:
            lead, co_organiser = leads[id(site)]
            links.append(
                SiteOrganiser(
                    site=site, user=lead, is_lead=True, created_at=site.created_at, updated_at=site.created_at
                )
            )
            if co_organiser is not None and co_organiser.pk != lead.pk:
                links.append(
                    SiteOrganiser(
                        site=site,
                        user=co_organiser,
                        is_lead=False,
                        created_at=site.created_at,
                        updated_at=site.created_at,
                    )
                )
        with self.progress.stage("Local sites and organisers", len(sites) + len(links)) as advance:
            self._bulk(LocalSite, sites, advance)
            self._bulk(SiteOrganiser, links, advance)

    # --- Summary ------------------------------------------------------------------------
    @staticmethod
    def counts() -> dict[str, int]:
        return {
            "people": User.objects.count(),
            "sprints": Sprint.objects.count(),
            "partners": Partner.objects.count(),
            "local sites": LocalSite.objects.count(),
            "site organisers": SiteOrganiser.objects.count(),
            "registrations": Registration.objects.count(),
            "admission waves": AdmissionWave.objects.count(),
            "sprint roles": SprintMembership.objects.count(),
            "teams": Team.objects.filter(disbanded_at__isnull=True).count(),
            "submissions": Submission.objects.count(),
            "office-hour slots": OfficeHourSlot.objects.count(),
            "help requests": HelpRequest.objects.count(),
            "reviews": Review.objects.count(),
            "published projects": Publication.objects.filter(status=PublicationStatus.PUBLISHED).count(),
        }


def status_counts() -> Counter:
    return Counter(Registration.objects.values_list("status", flat=True))
