"""Demo team finder: people looking for a team in the sprints still ahead, and one grouping run.

Cards are shaped like real ones: most people name one to three topics close to the sprint's research
area, bring one to three skills (engineers more often than policy people), keep waking hours around
their own zone (a few night owls), and about half prefer a track. ``card`` is also what the
team-finder benchmark builds its 3,000 people from.
"""

from __future__ import annotations

import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import Sprint, SprintMembership, SprintRole
from sprintlab.teamfinder.models import FinderProfile
from sprintlab.teamfinder.services import grouping_run_create
from sprintlab.teamfinder.vocabulary import Interest, Skill
from sprintlab.teams.models import TeamMember

# Topics people on each research area tend to name first; the rest of the list is drawn more rarely.
NEAR_TOPICS = {
    "interpretability": ["interpretability", "model_organisms", "deception"],
    "evaluations": ["evaluations", "benchmarks", "red_teaming"],
    "governance": ["governance", "compute_governance", "forecasting"],
    "benchmarks": ["benchmarks", "evaluations", "robustness"],
    "multi_agent": ["multi_agent", "agent_foundations", "control"],
    "alignment": ["oversight", "agent_foundations", "deception"],
    "security": ["security", "red_teaming", "control"],
}
# How often each skill turns up among participants: engineers most, policy and design less.
SKILL_WEIGHTS = {
    Skill.SOFTWARE: 10,
    Skill.ML_ENGINEERING: 8,
    Skill.DATA: 6,
    Skill.STATISTICS: 5,
    Skill.WRITING: 5,
    Skill.MATHS: 4,
    Skill.INTERPRETABILITY_METHODS: 4,
    Skill.POLICY: 4,
    Skill.SECURITY: 3,
    Skill.PROJECT_MANAGEMENT: 3,
    Skill.ECONOMICS: 2,
    Skill.DESIGN: 2,
}
FREE_TAGS = (
    "sparse autoencoders",
    "llm agents",
    "jailbreaks",
    "eu ai act",
    "model evals",
    "steering vectors",
    "debate",
    "reward hacking",
    "chips",
    "cyber offense evals",
)
NOTES = (
    "First sprint for me; happy to take on the write-up.",
    "I can set up the compute and the eval harness.",
    "Looking for people who want to go deep on one small model.",
    "Policy background, keen to pair with engineers.",
    "Would love a team that meets in the European evening.",
    "",
    "",
)
LOOKING_SHARE = 0.45


def card(rng: random.Random, *, research_area: str, zone: str, track_ids: list[int]) -> dict:
    """A plausible team-finder card (the fields of ``FinderProfile`` but sprint and user)."""
    near = NEAR_TOPICS.get(research_area, [])
    topics = set(rng.sample(near, k=min(len(near), rng.choice((1, 1, 2))))) if near else set()
    if rng.random() < 0.6:
        topics.add(rng.choice(Interest.values))
    skills = set(rng.choices(list(SKILL_WEIGHTS), weights=list(SKILL_WEIGHTS.values()), k=rng.choice((1, 2, 2, 3))))
    night_owl = rng.random() < 0.1
    start = rng.choice((16, 18)) if night_owl else rng.choice((7, 8, 8, 9, 10))
    end = rng.choice((2, 3)) if night_owl else rng.choice((21, 22, 23, 23, 24))
    return {
        "is_looking": True,
        "interests": [value for value in Interest.values if value in topics],
        "skills": [value for value in Skill.values if value in skills],
        "free_tags": rng.sample(FREE_TAGS, k=rng.choice((0, 0, 1, 2))),
        "timezone": zone or "UTC",
        "waking_start": start,
        "waking_end": end,
        "preferred_track_id": rng.choice(track_ids) if track_ids and rng.random() < 0.5 else None,
        "note": rng.choice(NOTES),
    }


def build_team_finder(rng: random.Random) -> dict[str, int]:
    """Cards for people without a team in every sprint whose teams are still forming, and one grouping
    run in the nearest such sprint. Returns counts."""
    now = timezone.now()
    ahead = [
        sprint
        for sprint in Sprint.objects.filter(is_published=True).order_by("kickoff_at")
        if sprint.team_formation_deadline > now
    ]
    profiles, grouped = [], 0
    for sprint in ahead:
        track_ids = list(sprint.tracks.values_list("id", flat=True))
        solos = (
            Registration.objects.filter(sprint=sprint, status=RegistrationStatus.CONFIRMED)
            .exclude(Exists(TeamMember.objects.filter(sprint=sprint, user_id=OuterRef("user_id"))))
            .values_list("user_id", "user__timezone")
            .order_by("id")
        )
        for user_id, zone in solos:
            if rng.random() < LOOKING_SHARE:
                values = card(rng, research_area=sprint.research_area, zone=zone, track_ids=track_ids)
                profiles.append(FinderProfile(sprint=sprint, user_id=user_id, **values))
    FinderProfile.objects.bulk_create(profiles, batch_size=2000)
    if ahead:
        grouped = _group_the_solos(ahead[0])
    return {"finder_profiles": len(profiles), "grouped": grouped}


def _group_the_solos(sprint: Sprint) -> int:
    """The organisers' run over everyone still without a team, as they would do before kickoff."""
    organiser = SprintMembership.objects.filter(sprint=sprint, role=SprintRole.ORGANISER).select_related("user").first()
    if organiser is None:
        return 0
    return grouping_run_create(actor=organiser.user, sprint=sprint).people_count
