"""Teams for the demo sprints: formed in past and running sprints, still forming in the open one.

Teams are made of confirmed registrants, mostly people at the same site, some mixing remote and
on-site members. Each records how it formed (by its members, through the team finder, or grouped by
the organisers), and the running and open sprints have requests and invitations still waiting. The
demo participant leads a team in the open sprint, with two requests to answer, and is a member of a
team found through the finder in the sprint running now.
"""

import random
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint, Track
from sprintlab.teams.models import (
    INVITE_CODE_ALPHABET,
    INVITE_CODE_LENGTH,
    JoinDirection,
    JoinedVia,
    JoinRequest,
    JoinStatus,
    Team,
    TeamMember,
    TeamOrigin,
)

ADJECTIVES = (
    "Sparse", "Curious", "Gradient", "Residual", "Latent", "Honest", "Robust", "Causal", "Steady", "Quiet",
    "Open", "Careful", "Attentive", "Linear", "Probing", "Aligned", "Bright", "Patient", "Northern", "Kind",
)  # fmt: skip
NOUNS = (
    "Circuit Sleuths", "Probes", "Feature Hunters", "Red Team", "Auditors", "Oversight Crew", "Gardeners",
    "Lens Makers", "Cartographers", "Evaluators", "Watchers", "Tinkerers", "Neurons", "Heads", "Benchmarkers",
    "Sentinels", "Navigators", "Owls", "Foxes", "Lighthouse",
)  # fmt: skip
DESCRIPTIONS = (
    "We look for {topic} in small open models and write up what we find.",
    "A {topic} project: a clear question, a small experiment, a short honest report.",
    "Building a reusable notebook for {topic} that others can pick up after the weekend.",
    "Replicating a recent {topic} result on a second model family, then stretching it.",
    "First-timers and a returning member trying {topic} end to end.",
)
LOOKING_FOR = (
    "Someone comfortable with {skill}.",
    "A teammate with {skill}; enthusiasm counts as much as experience.",
    "{skill}, and someone who enjoys writing the report.",
    "",
)
REQUEST_MESSAGES = (
    "Hi! I have done some {skill} and would love to help with this.",
    "Your project sounds close to what I wanted to try. Room for one more?",
    "I'm new to this but learn fast; happy to take on the write-up.",
    "",
)
INVITATION_MESSAGES = (
    "We saw you are looking for a team and could use your {skill}.",
    "Would you like to join us? We meet on the sprint's Discord at kickoff.",
    "",
)
SKILLS = ("Python", "PyTorch", "TransformerLens", "statistics", "policy writing", "data analysis", "JAX")
# How each sprint's confirmed people end up: in a team, and how teams formed (self, finder, grouping).
IN_TEAM_SHARE = {"past": 0.8, "running": 0.75, "open": 0.35}
ORIGIN_WEIGHTS = {
    "past": (65, 20, 15),
    "running": (55, 30, 15),
    "open": (70, 30, 0),  # the organisers group the solos only shortly before kickoff
}
SIZE_WEIGHTS = (6, 16, 30, 30, 18)  # teams of 1, 2, 3, 4 and 5
MIXED_SHARE = 0.3  # teams at a site that take in a remote member
DISBANDED_SHARE = 0.03


@dataclass
class TeamRows:
    teams: list[Team] = field(default_factory=list)
    members: list[TeamMember] = field(default_factory=list)
    requests: list[JoinRequest] = field(default_factory=list)


def _stage(sprint: Sprint, now: datetime) -> str | None:
    if not sprint.is_published or now < sprint.registration_opens_at:
        return None
    if now < sprint.kickoff_at:
        return "open"
    if now < sprint.submission_deadline_at:
        return "running"
    return "past"


def _code(rng: random.Random, taken: set[str]) -> str:
    while True:
        code = "".join(rng.choice(INVITE_CODE_ALPHABET) for _ in range(INVITE_CODE_LENGTH))
        if code not in taken:
            taken.add(code)
            return code


def _name(rng: random.Random, used: set[str]) -> str:
    for _attempt in range(20):
        name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}"
        if name.lower() not in used:
            used.add(name.lower())
            return name
    name = f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {len(used) + 1}"
    used.add(name.lower())
    return name


def _groups(rng: random.Random, people: list[Registration], *, size_max: int) -> list[list[Registration]]:
    """People in teams: by site (remote people together), some site teams taking a remote member."""
    by_place = defaultdict(list)
    for registration in people:
        by_place[registration.site_id].append(registration)
    remote = by_place.pop(None, [])
    groups = []
    for place_people in [*by_place.values(), remote]:
        rng.shuffle(place_people)
        while place_people:
            size = min(rng.choices(range(1, 6), weights=SIZE_WEIGHTS)[0], size_max)
            groups.append([place_people.pop() for _ in range(min(size, len(place_people)))])
    for group in groups:
        if remote and group[0].site_id is not None and len(group) < size_max and rng.random() < MIXED_SHARE:
            donor = next((g for g in groups if g and g[0].site_id is None and len(g) > 2), None)
            if donor is not None:
                group.append(donor.pop())
    return [group for group in groups if group]


class _SprintTeams:
    def __init__(self, rng: random.Random, rows: TeamRows, codes: set[str], sprint: Sprint, tracks: list[Track]):
        self.rng, self.rows, self.codes, self.sprint, self.tracks = rng, rows, codes, sprint, tracks
        self.names: set[str] = set()

    def team(self, group: list[Registration], *, origin: str, formed_at: datetime, disbanded: bool = False) -> Team:
        rng = self.rng
        track = rng.choice(self.tracks) if self.tracks and rng.random() < 0.85 else None
        topic = (track.name if track else self.sprint.research_area.replace("_", " ")).lower()
        full = len(group) >= self.sprint.team_size_max
        team = Team(
            sprint=self.sprint,
            name=_name(rng, self.names),
            description=rng.choice(DESCRIPTIONS).format(topic=topic),
            track=track,
            looking_for="" if full else rng.choice(LOOKING_FOR).format(skill=rng.choice(SKILLS)),
            lead=group[0].user,
            invite_code=_code(rng, self.codes),
            origin=origin,
            disbanded_at=formed_at + timedelta(hours=rng.randint(2, 30)) if disbanded else None,
        )
        team.created_at = team.updated_at = formed_at
        self.rows.teams.append(team)
        if disbanded:
            return team
        for position, registration in enumerate(group):
            joined = formed_at + timedelta(minutes=position * rng.randint(5, 600))
            via = self._joined_via(origin, position)
            self.rows.members.append(
                TeamMember(team=team, sprint=self.sprint, user=registration.user, joined_via=via, joined_at=joined)
            )
            if via in (JoinedVia.REQUEST, JoinedVia.INVITATION):
                self.request(team, registration.user, via=via, status=JoinStatus.ACCEPTED, at=joined, origin=origin)
        return team

    def _joined_via(self, origin: str, position: int) -> str:
        if origin == TeamOrigin.GROUPING:
            return JoinedVia.GROUPING
        if position == 0:
            return JoinedVia.FOUNDED
        if origin == TeamOrigin.FINDER:
            return self.rng.choice((JoinedVia.REQUEST, JoinedVia.INVITATION))
        return self.rng.choices((JoinedVia.CODE, JoinedVia.REQUEST, JoinedVia.INVITATION), weights=(60, 25, 15))[0]

    def request(self, team: Team, user, *, via: str, status: str, at: datetime, origin: str = "") -> JoinRequest:
        rng = self.rng
        invitation = via == JoinedVia.INVITATION
        messages = INVITATION_MESSAGES if invitation else REQUEST_MESSAGES
        join_request = JoinRequest(
            team=team,
            user=user,
            direction=JoinDirection.INVITATION if invitation else JoinDirection.REQUEST,
            message=rng.choice(messages).format(skill=rng.choice(SKILLS)),
            status=status,
            from_finder=origin == TeamOrigin.FINDER or rng.random() < 0.3,
            created_by=team.lead if invitation else user,
            decided_at=None if status == JoinStatus.PENDING else at,
            decided_by=None if status == JoinStatus.PENDING else (user if invitation else team.lead),
        )
        join_request.created_at = join_request.updated_at = at - timedelta(hours=rng.randint(1, 20))
        self.rows.requests.append(join_request)
        return join_request


def plan_teams(
    rng: random.Random, *, sprints: list[Sprint], registrations: list[Registration], participant, now: datetime
) -> TeamRows:
    """The teams, members and join requests of every published sprint that has begun registering."""
    rows, codes = TeamRows(), set()
    confirmed = defaultdict(list)
    for registration in registrations:
        if registration.status == RegistrationStatus.CONFIRMED:
            confirmed[registration.sprint_id].append(registration)
    tracks = defaultdict(list)
    for track in Track.objects.filter(sprint__in=[s.pk for s in sprints]).order_by("position", "id"):
        tracks[track.sprint_id].append(track)
    for sprint in sprints:
        stage = _stage(sprint, now)
        if stage is None or not confirmed[sprint.pk]:
            continue
        people = sorted(confirmed[sprint.pk], key=lambda r: r.pk)
        builder = _SprintTeams(rng, rows, codes, sprint, tracks[sprint.pk])
        demo = next((r for r in people if r.user_id == participant.pk), None) if stage != "past" else None
        if demo is not None:
            people.remove(demo)
        rng.shuffle(people)
        in_teams = people[: int(len(people) * IN_TEAM_SHARE[stage])]
        solos = people[len(in_teams) :]
        forming_ends = min(now, sprint.kickoff_at + timedelta(hours=6))
        if demo is not None and stage == "open":
            _demo_team(builder, demo, in_teams, solos, now=now)
        elif demo is not None:
            _demo_joined_team(builder, demo, in_teams, formed_at=min(now, sprint.kickoff_at + timedelta(hours=2)))
        for group in _groups(rng, in_teams, size_max=sprint.team_size_max):
            origin = rng.choices(
                (TeamOrigin.SELF, TeamOrigin.FINDER, TeamOrigin.GROUPING), weights=ORIGIN_WEIGHTS[stage]
            )[0]
            formed = group[0].confirmed_at or sprint.registration_opens_at
            formed = min(formed + timedelta(hours=rng.randint(1, 96)), forming_ends)
            builder.team(group, origin=origin, formed_at=formed, disbanded=rng.random() < DISBANDED_SHARE)
        if stage != "past":
            _pending(builder, solos, now=now)
    return rows


def _demo_team(builder: _SprintTeams, demo: Registration, in_teams: list, solos: list, *, now: datetime) -> None:
    """The demo participant leads a team of three in the open sprint, with two requests waiting."""
    mates = [in_teams.pop() for _ in range(min(2, len(in_teams)))]
    builder.names.add("sparse circuit sleuths")
    team = builder.team([demo, *mates], origin=TeamOrigin.SELF, formed_at=now - timedelta(days=3))
    team.name, team.looking_for = "Sparse Circuit Sleuths", "Someone who has trained sparse autoencoders."
    team.description = "We trace how small models track negation, with sparse autoencoders and attribution patching."
    for solo in solos[:2]:
        builder.request(team, solo.user, via=JoinedVia.REQUEST, status=JoinStatus.PENDING, at=now - timedelta(hours=5))
    del solos[:2]


def _demo_joined_team(builder: _SprintTeams, demo: Registration, in_teams: list, *, formed_at: datetime) -> None:
    """In the running sprint the demo participant found a team through the finder and is a member."""
    mates = [in_teams.pop() for _ in range(min(2, len(in_teams)))]
    builder.team([*mates[:1], demo, *mates[1:]], origin=TeamOrigin.FINDER, formed_at=formed_at)


def _pending(builder: _SprintTeams, solos: list[Registration], *, now: datetime) -> None:
    """Solos ask teams with room to take them, and teams invite some; a few were declined already."""
    rng = builder.rng
    members = defaultdict(int)
    for member in builder.rows.members:
        if member.sprint is builder.sprint:
            members[id(member.team)] += 1
    open_teams = [
        t
        for t in builder.rows.teams
        if t.sprint is builder.sprint and t.disbanded_at is None and members[id(t)] < builder.sprint.team_size_max
    ]
    if not open_teams:
        return
    for solo in solos[: max(1, len(solos) // 2)]:
        team = rng.choice(open_teams)
        via = JoinedVia.INVITATION if rng.random() < 0.35 else JoinedVia.REQUEST
        status = JoinStatus.DECLINED if rng.random() < 0.15 else JoinStatus.PENDING
        builder.request(team, solo.user, via=via, status=status, at=now - timedelta(hours=rng.randint(1, 48)))


@contextmanager
def _historical_join_times():
    """Let bulk writes keep each member's own ``joined_at`` instead of the moment of the write."""
    joined_at = TeamMember._meta.get_field("joined_at")
    joined_at.auto_now_add = False
    try:
        yield
    finally:
        joined_at.auto_now_add = True


def write_teams(rows: TeamRows, bulk) -> None:
    """Write the planned rows with ``bulk(model, objects)`` (the builder's batched writer)."""
    with _historical_join_times():
        bulk(Team, rows.teams)
        bulk(TeamMember, rows.members)
        bulk(JoinRequest, rows.requests)
