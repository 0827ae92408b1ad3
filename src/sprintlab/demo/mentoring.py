"""Mentor help in the demo: mentors with profiles, office hours around each sprint weekend, help requests.

Three sprints get mentors: the one that ran last (its weekend is over: slots were booked, and its help
queue holds requests in every state, as a real weekend leaves it), the one running now (slots booked
so far, a live queue with requests waiting minutes, claimed and closed) and the open one (its mentors
have offered office hours for the coming weekend; booking opens a day before kickoff). The demo
mentor login mentors all three. Teams already built for the last sprint are used; when there are none, a few are
formed from its confirmed participants. Rows are written in bulk, like the rest of the demo.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sprintlab.accounts.models import User
from sprintlab.mentoring.models import (
    Expertise,
    HelpNote,
    HelpRequest,
    HelpStatus,
    MentorProfile,
    OfficeHourSlot,
    SlotBooking,
)
from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.teams.models import JoinedVia, Team, TeamMember

MENTORS_PER_SPRINT = 6
TEAMS_WHEN_NONE = 12
# Hours after kickoff (Friday 17:00 UTC) when mentors hold office hours over the weekend.
SLOT_HOURS = (1, 3, 16, 19, 22, 26, 40, 43)

BIOS = (
    "Research engineer on an evaluations team; happy to review experiment designs and eval harnesses.",
    "PhD student working on sparse autoencoders and feature circuits in small transformers.",
    "Policy researcher; has written on compute governance and model evaluation standards.",
    "Former ML infrastructure lead; can help you get a training run or a sweep going fast.",
    "Statistician by training; ask about confidence intervals, baselines and what a result really shows.",
    "Red-teamer and security researcher; jailbreaks, prompt injection and agent sandboxing.",
    "Postdoc in multi-agent learning; cooperation, collusion and emergent communication.",
    "Science writer and editor; will help you turn a weekend's results into a clear write-up.",
)
EXPERTISE_SETS = (
    (Expertise.EVALUATIONS, Expertise.ML_ENGINEERING),
    (Expertise.INTERPRETABILITY, Expertise.ML_ENGINEERING),
    (Expertise.GOVERNANCE, Expertise.WRITING),
    (Expertise.ML_ENGINEERING, Expertise.BENCHMARKS),
    (Expertise.STATISTICS, Expertise.EVALUATIONS),
    (Expertise.SECURITY, Expertise.EVALUATIONS),
    (Expertise.MULTI_AGENT, Expertise.ALIGNMENT),
    (Expertise.WRITING, Expertise.STATISTICS),
)
SLOT_TOPICS = (
    "Open office hour: bring any question",
    "Scoping your project in the first hours",
    "Eval harness clinic",
    "Debugging training runs",
    "Is this result real? Baselines and error bars",
    "Writing up for the submission",
)
REQUESTS = (
    (
        "Our probe accuracy is suspiciously high",
        Expertise.INTERPRETABILITY,
        "We get 99% on a linear probe for truthfulness; we suspect leakage between train and test prompts.",
    ),
    (
        "Monitor flags everything as suspicious",
        Expertise.EVALUATIONS,
        "Our trusted monitor gives every transcript a score above the threshold. How do people usually calibrate it?",
    ),
    (
        "CUDA out of memory on the 7B model",
        Expertise.ML_ENGINEERING,
        "Even with batch size 1 the forward pass runs out of memory on a 24 GB card.",
    ),
    (
        "How to frame the policy recommendation",
        Expertise.GOVERNANCE,
        "We have results on monitoring costs and want to say something careful about deployment rules.",
    ),
    (
        "Is a 3-point difference significant?",
        Expertise.STATISTICS,
        "Two protocols, 200 tasks each, 61% vs 64% safety. Is that a result or noise?",
    ),
    (
        "Red-team attack policy keeps getting caught",
        Expertise.SECURITY,
        "Our untrusted model's backdoors are trivially detected; we want a stronger attack to test against.",
    ),
    (
        "Scoring rubric for the benchmark",
        Expertise.BENCHMARKS,
        "We are building a small benchmark and are unsure how to grade free-text answers reliably.",
    ),
    (
        "Two agents collude through formatting",
        Expertise.MULTI_AGENT,
        "We think the agents pass signals through whitespace. How would we test that properly?",
    ),
    (
        "Our write-up is too long",
        Expertise.WRITING,
        "We have eight pages of notes and the submission allows two. Where do we start?",
    ),
    (
        "Which layer should we patch?",
        Expertise.INTERPRETABILITY,
        "Activation patching gives different answers depending on the layer; we do not know how to read it.",
    ),
)
NOTES = (
    "Split the prompts by template before the train/test split; the probe was learning the template.",
    "Calibrate the threshold on honest transcripts only and report the audit budget it implies.",
    "Load the model in 8-bit and use gradient checkpointing; that fits on the card.",
    "Bootstrap the difference over tasks; with 200 tasks each the interval is roughly ±9 points.",
    "Lead with the one figure that carries the result and move the rest to an appendix.",
)
CONTACTS = (
    "Video call: https://meet.example.org/{team}",
    "Chat handle @{team} on the sprint server",
    "Table 4 at the site, {team} sign",
)


def build_mentor_help(
    rng: random.Random, *, sprints: list[Sprint], mentor: User, now: datetime, moment: datetime
) -> None:
    """Mentors, slots, bookings and help requests; ``moment`` is the second the demo is loaded (the
    running sprint's queue is placed against it, so its open requests waited minutes, not hours)."""
    published = [s for s in sprints if s.is_published]
    finished = [s for s in published if s.submission_deadline_at <= now]
    last = max(finished, key=lambda s: s.kickoff_at, default=None)
    running = min((s for s in published if s.kickoff_at <= now < s.submission_deadline_at), key=_kickoff, default=None)
    upcoming = min((s for s in published if s.kickoff_at > now), key=_kickoff, default=None)
    profiles = {}
    for sprint in filter(None, (last, running, upcoming)):
        mentors = [mentor, *_other_mentors(rng, sprint, exclude=mentor)]
        SprintMembership.objects.bulk_create(
            [
                SprintMembership(
                    sprint=sprint,
                    user=person,
                    role=SprintRole.MENTOR,
                    created_at=sprint.kickoff_at - timedelta(days=21),
                    updated_at=sprint.kickoff_at - timedelta(days=21),
                )
                for person in mentors
            ]
        )
        for person in mentors:
            if person.pk not in profiles:
                index = rng.randrange(len(BIOS))
                profiles[person.pk] = MentorProfile(
                    user=person,
                    expertise=[str(tag) for tag in EXPERTISE_SETS[index]],
                    bio=BIOS[index],
                    timezone=person.timezone,
                    created_at=sprint.kickoff_at - timedelta(days=20),
                    updated_at=sprint.kickoff_at - timedelta(days=20),
                )
        slots = OfficeHourSlot.objects.bulk_create(_slots(rng, sprint, mentors))
        if sprint is last or sprint is running:
            teams = _teams_of(rng, sprint)
            _bookings(rng, slots, teams)
            _help_requests(rng, sprint, teams, mentors, until=moment if sprint is running else None)
    MentorProfile.objects.bulk_create(profiles.values())


def _kickoff(sprint: Sprint) -> datetime:
    return sprint.kickoff_at


def _other_mentors(rng: random.Random, sprint: Sprint, *, exclude: User) -> list[User]:
    """Experienced people who are not taking part in ``sprint`` themselves."""
    candidates = list(
        User.objects.exclude(registrations__sprint=sprint)
        .exclude(pk=exclude.pk)
        .filter(is_staff=False, is_organiser=False, career_stage__in=("mid", "senior", "researcher"))
        .order_by("pk")[:300]
    )
    if len(candidates) < MENTORS_PER_SPRINT:
        candidates = list(User.objects.exclude(pk=exclude.pk).filter(is_staff=False).order_by("pk")[:300])
    return rng.sample(candidates, min(MENTORS_PER_SPRINT - 1, len(candidates)))


def _slots(rng: random.Random, sprint: Sprint, mentors: list[User]) -> list[OfficeHourSlot]:
    slots = []
    for n, person in enumerate(mentors):
        for hours in sorted(rng.sample(SLOT_HOURS, 2 if n else 3)):
            starts = sprint.kickoff_at + timedelta(hours=hours)
            group = rng.random() < 0.25
            slots.append(
                OfficeHourSlot(
                    sprint=sprint,
                    mentor=person,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=60 if group else 45),
                    topic=rng.choice(SLOT_TOPICS),
                    online_link=f"https://meet.example.org/{sprint.slug}-{person.pk}-{hours}",
                    capacity=3 if group else 1,
                    created_at=sprint.kickoff_at - timedelta(days=rng.randint(2, 10)),
                    updated_at=sprint.kickoff_at - timedelta(days=2),
                )
            )
    return slots


def _teams_of(rng: random.Random, sprint: Sprint) -> list[Team]:
    """The sprint's live teams, or a few formed from its confirmed participants when it has none."""
    teams = list(Team.objects.filter(sprint=sprint, disbanded_at__isnull=True).order_by("pk"))
    if teams:
        return teams
    people = list(
        Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)
        .order_by("pk")
        .values_list("user_id", flat=True)
    )
    rng.shuffle(people)
    names = [
        "Probe Squad",
        "Trusted Monitors",
        "Backdoor Hunters",
        "Audit Budget",
        "Red Team Blue",
        "Circuit Breakers",
        "Null Hypothesis",
        "Scheming Detectors",
        "Honest Agents",
        "Canary Tokens",
        "Control Freaks",
        "Safety Case",
    ][:TEAMS_WHEN_NONE]
    teams = Team.objects.bulk_create(
        [
            Team(
                sprint=sprint,
                name=name,
                description="Working on the sprint's control-evaluation tracks.",
                lead_id=people[4 * n] if 4 * n < len(people) else None,
                created_at=sprint.kickoff_at - timedelta(hours=rng.randint(2, 48)),
                updated_at=sprint.kickoff_at,
            )
            for n, name in enumerate(names)
            if 4 * n < len(people)
        ]
    )
    members = [
        TeamMember(
            team=team, sprint=sprint, user_id=user_id, joined_via=JoinedVia.FOUNDED if k == 0 else JoinedVia.CODE
        )
        for n, team in enumerate(teams)
        for k, user_id in enumerate(people[4 * n : 4 * n + rng.randint(2, 4)])
    ]
    TeamMember.objects.bulk_create(members)
    TeamMember.objects.filter(sprint=sprint).update(joined_at=sprint.kickoff_at - timedelta(hours=6))
    return teams


def _bookings(rng: random.Random, slots: list[OfficeHourSlot], teams: list[Team]) -> None:
    if not teams:
        return
    bookings = []
    for slot in slots:
        if rng.random() < 0.35:
            continue  # nobody booked it
        for team in rng.sample(teams, min(slot.capacity, len(teams), rng.randint(1, slot.capacity))):
            cancelled = rng.random() < 0.1
            booked = slot.starts_at - timedelta(hours=rng.randint(2, 20))
            bookings.append(
                SlotBooking(
                    slot=slot,
                    team=team,
                    booked_by_id=team.lead_id,
                    created_at=booked,
                    cancelled_at=booked + timedelta(hours=1) if cancelled else None,
                )
            )
    SlotBooking.objects.bulk_create(bookings)


def _help_requests(
    rng: random.Random, sprint: Sprint, teams: list[Team], mentors: list[User], *, until: datetime | None
) -> None:
    """About twenty requests over the weekend: most answered and closed, a few claimed, a few never claimed.

    For a weekend still under way (``until`` is now) every request was asked before now: the closed
    ones since kickoff, the claimed ones in the last two hours, the open ones in the last forty minutes.
    """
    leads = {team.pk: team.lead_id for team in teams if team.lead_id}
    if not leads:
        return
    requests, notes = [], []
    team_ids = list(leads)
    for n in range(20):
        topic, tag, description = REQUESTS[n % len(REQUESTS)]
        team_id = rng.choice(team_ids)
        asked = sprint.kickoff_at + timedelta(minutes=rng.randint(30, 45 * 60))
        state = HelpStatus.CLOSED if n < 14 else HelpStatus.CLAIMED if n < 17 else HelpStatus.OPEN
        if until is not None:
            asked = _asked_before(rng, sprint, state, until)
        mentor = rng.choice(mentors)
        claimed = asked + timedelta(minutes=rng.choice((2, 4, 6, 8, 11, 15, 24)))
        team_name = next(team.name for team in teams if team.pk == team_id)
        requests.append(
            HelpRequest(
                sprint=sprint,
                team_id=team_id,
                requester_id=leads[team_id],
                topic=topic,
                description=description,
                tag=str(tag),
                contact=rng.choice(CONTACTS).format(team=team_name.lower().replace(" ", "-")),
                status=state,
                waiting_since=asked,
                claimed_by=mentor if state != HelpStatus.OPEN else None,
                claimed_at=claimed if state != HelpStatus.OPEN else None,
                first_claimed_at=claimed if state != HelpStatus.OPEN else None,
                closed_at=claimed + timedelta(minutes=rng.randint(15, 70)) if state == HelpStatus.CLOSED else None,
                closed_by=mentor if state == HelpStatus.CLOSED else None,
                closing_note=rng.choice(NOTES) if state == HelpStatus.CLOSED else "",
                alerted_at=_alerted_at(asked, state, until),
                created_at=asked,
                updated_at=asked,
            )
        )
    requests = HelpRequest.objects.bulk_create(requests)
    for request in requests:
        if request.status != HelpStatus.OPEN and rng.random() < 0.6:
            notes.append(
                HelpNote(
                    request=request,
                    author=request.claimed_by,
                    body=rng.choice(NOTES),
                    created_at=request.claimed_at + timedelta(minutes=10),
                )
            )
    HelpNote.objects.bulk_create(notes)


def _asked_before(rng: random.Random, sprint: Sprint, state: str, until: datetime) -> datetime:
    if state == HelpStatus.OPEN:
        return until - timedelta(minutes=rng.randint(3, 40))
    if state == HelpStatus.CLAIMED:
        return until - timedelta(minutes=rng.randint(45, 120))
    # Closed within the weekend so far, answered and closed (at most ~95 minutes) before now.
    span = max(int((until - sprint.kickoff_at).total_seconds() // 60) - 130, 31)
    return sprint.kickoff_at + timedelta(minutes=rng.randint(30, span))


def _alerted_at(asked: datetime, state: str, until: datetime | None) -> datetime | None:
    """Mentors are alerted about a request nobody claimed within fifteen minutes."""
    alerted = asked + timedelta(minutes=15)
    return alerted if state == HelpStatus.OPEN and (until is None or alerted <= until) else None
