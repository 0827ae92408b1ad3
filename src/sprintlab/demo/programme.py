"""The programme of each demo sprint: a weekend schedule with speakers, curated resources, and agenda items.

Every sprint gets the shape of a real hackathon weekend (kickoff Friday 17:00 UTC): an opening
with a keynote, talks and a workshop on Saturday, mentors' office hours spread over the time zones,
morning stand-ups at a few local sites, a mid-sprint check-in, an online co-working room open all
weekend and a closing before the deadline.
Most sessions are online; the stand-ups happen at sites. Each sprint also gets a reading list,
starter notebooks, datasets and API credits. The demo participant has starred a few sessions of
the open and the running sprint. Speakers are invented people with plausible affiliations.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sprintlab.accounts.models import User
from sprintlab.demo import catalogue
from sprintlab.localsites.models import LocalSite, SiteStatus
from sprintlab.programme.models import (
    AgendaItem,
    Resource,
    ResourceCategory,
    Session,
    SessionKind,
    SessionSpeaker,
    Speaker,
)
from sprintlab.sprints.models import ResearchArea, Sprint

# (name, affiliation, bio): invented people at plausible places.
SPEAKERS = (
    (
        "Dr Amara Okafor",
        "University of Oxford",
        "Works on representation probing and what linear probes can and cannot show.",
    ),
    ("Jonas Lindqvist", "Apollo Research", "Builds evaluations for deceptive behaviour in language-model agents."),
    ("Mei Tanaka", "University of Tokyo", "Studies sparse autoencoders and feature splitting in mid-sized models."),
    (
        "Dr Rafael Souza",
        "Alan Turing Institute",
        "Researches evaluation policy and third-party audits of frontier models.",
    ),
    ("Priyanka Rao", "METR", "Designs long-horizon task suites for autonomy evaluations."),
    (
        "Dr Lena Hoffmann",
        "Cooperative AI Foundation",
        "Works on multi-agent coordination failures and mechanism design.",
    ),
    (
        "Kwame Mensah",
        "AI Safety Hub Nairobi",
        "Runs research sprints across East Africa and mentors first-time researchers.",
    ),
    ("Sofia Marín", "Universidad de Buenos Aires", "Studies benchmark contamination and how to detect it."),
    (
        "Dr Noah Friedman",
        "Entrepreneur First",
        "Former ML engineer; now advises safety start-ups on their evaluation stacks.",
    ),
    ("Aisha Bello", "University of Cape Town", "Works on calibration and uncertainty in instruction-tuned models."),
)

# (day offset from kickoff in hours, duration in minutes, kind, title, description, speaker indexes)
WEEKEND = (
    (0, 45, SessionKind.KICKOFF, "Opening and kickoff", "Welcome, the tracks, the rules and how judging works.", ()),
    (
        1,
        45,
        SessionKind.KEYNOTE,
        "Keynote: what a weekend of research can find",
        "Why small, sharp projects matter.",
        (0,),
    ),
    (
        2,
        60,
        SessionKind.OFFICE_HOURS,
        "Office hours: finding a project",
        "Bring a half-formed idea; leave with a plan.",
        (6,),
    ),
    (15, 30, SessionKind.CHECK_IN, "Morning stand-up", "What your team did overnight and what is next.", ()),
    (17, 60, SessionKind.TALK, "Talk: reading a model's features", "A practical tour with the starter notebook.", (2,)),
    (
        19,
        90,
        SessionKind.WORKSHOP,
        "Workshop: writing an evaluation in an afternoon",
        "Hands-on, bring a laptop.",
        (1, 4),
    ),
    (22, 60, SessionKind.OFFICE_HOURS, "Office hours: Americas", "Mentors for teams in the Americas' daytime.", (7,)),
    (24, 30, SessionKind.CHECK_IN, "Mid-sprint check-in", "Every team in two sentences; ask for help early.", ()),
    (26, 45, SessionKind.TALK, "Talk: from results to a good write-up", "How judges read submissions.", (3,)),
    (31, 60, SessionKind.OFFICE_HOURS, "Office hours: Asia-Pacific", "Mentors for teams in Asia and Oceania.", (2, 9)),
    (39, 30, SessionKind.CHECK_IN, "Morning stand-up", "Last full day: scope down and write up.", ()),
    (44, 45, SessionKind.TALK, "Talk: pitfalls we see every sprint", "Contamination, leakage and p-hacking.", (7, 5)),
    (53, 60, SessionKind.CLOSING, "Closing and lightning demos", "Two minutes per team, then submissions close.", (0,)),
)
# The online co-working room opens after the keynote and stays open until shortly before the
# deadline, so a sprint under way always has a session on now.
CO_WORKING = (
    2,
    SessionKind.OFFICE_HOURS,
    "Online co-working room",
    "Drop in any time: organisers and mentors are around all weekend.",
)
# How many local sites of each sprint hold their own morning stand-up, by demo scale.
STAND_UP_SITES_PER_SPRINT = {"small": 3, "large": 12}
BATCH_SIZE = 2000

# Resources: (category, title, url, notes); some shared by every sprint, some per research area.
COMMON_RESOURCES = (
    (
        ResourceCategory.READING,
        "How to write a research sprint report",
        "https://example.org/guides/sprint-report",
        "A **two-page** template with the sections judges look for.",
    ),
    (
        ResourceCategory.STARTER_CODE,
        "Sprint starter repository",
        "https://github.com/example/sprint-starter",
        "Python 3.11, `uv sync`, then `make eval`. Includes a tiny model for fast iteration.",
    ),
    (
        ResourceCategory.COMPUTE,
        "Cloud GPU credits (A100 hours)",
        "https://example.org/credits/gpu",
        "Each team may claim **40 A100 hours**; ask at the help desk if you need more.",
    ),
    (
        ResourceCategory.APIS,
        "Model API credits",
        "https://example.org/credits/api",
        "$50 per participant for hosted model APIs. Keys arrive by email at kickoff.",
    ),
    (ResourceCategory.OTHER, "Team-formation board", "https://example.org/board", "Post your idea and who you need."),
)
AREA_RESOURCES = {
    ResearchArea.INTERPRETABILITY: (
        (
            ResourceCategory.READING,
            "A Mathematical Framework for Transformer Circuits",
            "https://transformer-circuits.pub/2021/framework/index.html",
            "Read sections 1–3 before kickoff.",
        ),
        (
            ResourceCategory.READING,
            "Toy Models of Superposition",
            "https://transformer-circuits.pub/2022/toy_model/index.html",
            "Why features are not neurons.",
        ),
        (
            ResourceCategory.NOTEBOOKS,
            "TransformerLens main demo",
            "https://example.org/notebooks/transformerlens-demo",
            "Runs on a free GPU in about ten minutes.",
        ),
        (
            ResourceCategory.DATASETS,
            "Pile-10k sample",
            "https://example.org/datasets/pile-10k",
            "Small enough for a laptop.",
        ),
    ),
    ResearchArea.EVALUATIONS: (
        (
            ResourceCategory.READING,
            "Evaluating frontier models for dangerous capabilities",
            "https://example.org/papers/dangerous-capabilities",
            "Focus on the task design section.",
        ),
        (
            ResourceCategory.NOTEBOOKS,
            "Inspect evaluation quick start",
            "https://example.org/notebooks/inspect-quickstart",
            "Write and run a first task in twenty minutes.",
        ),
        (
            ResourceCategory.DATASETS,
            "TruthfulQA",
            "https://example.org/datasets/truthfulqa",
            "817 questions, CSV and JSON.",
        ),
    ),
    ResearchArea.MULTI_AGENT: (
        (
            ResourceCategory.READING,
            "Open Problems in Cooperative AI",
            "https://example.org/papers/open-problems-cooperative-ai",
            "The taxonomy in section 2 maps onto the tracks.",
        ),
        (
            ResourceCategory.NOTEBOOKS,
            "Multi-agent sandbox",
            "https://example.org/notebooks/agent-sandbox",
            "Two to eight agents negotiating over a shared budget.",
        ),
    ),
    ResearchArea.GOVERNANCE: (
        (
            ResourceCategory.READING,
            "Compute governance primer",
            "https://example.org/papers/compute-governance",
            "A short introduction with further reading.",
        ),
        (
            ResourceCategory.DATASETS,
            "Public AI incident records",
            "https://example.org/datasets/incidents",
            "Updated monthly.",
        ),
    ),
}


@dataclass
class ProgrammeRows:
    speakers: list
    sessions: list
    links: list
    resources: list


def plan_programme(rng: random.Random, *, sprints: list[Sprint], sites: list[LocalSite], scale: str) -> ProgrammeRows:
    """Unsaved rows for every published sprint's programme (speakers before sessions before links)."""
    rows = ProgrammeRows([], [], [], [])
    approved = {}
    for site in sites:
        if site.status == SiteStatus.APPROVED:
            approved.setdefault(site.sprint_id, []).append(site)
    for sprint in sprints:
        if not sprint.is_published:
            continue
        speakers = [
            Speaker(
                sprint=sprint,
                name=name,
                affiliation=affiliation,
                bio=bio,
                created_at=sprint.announced_at,
                updated_at=sprint.announced_at,
            )
            for name, affiliation, bio in SPEAKERS
        ]
        rows.speakers += speakers
        stand_up_sites = rng.sample(
            approved.get(sprint.pk, []), min(STAND_UP_SITES_PER_SPRINT[scale], len(approved.get(sprint.pk, [])))
        )
        for hours, minutes, kind, title, description, speaker_indexes in WEEKEND:
            starts = sprint.kickoff_at + timedelta(hours=hours)
            places = stand_up_sites if title == "Morning stand-up" else [None]
            for site in places:
                session = _session(rng, sprint, kind, title, description, starts, minutes, site)
                rows.sessions.append(session)
                rows.links += [
                    SessionSpeaker(session=session, speaker=speakers[index], position=position)
                    for position, index in enumerate(speaker_indexes)
                ]
        hours, kind, title, description = CO_WORKING
        starts = sprint.kickoff_at + timedelta(hours=hours)
        minutes = int((sprint.submission_deadline_at - timedelta(minutes=30) - starts).total_seconds() // 60)
        rows.sessions.append(_session(rng, sprint, kind, title, description, starts, minutes, None))
        rows.resources += _resources(sprint)
    return rows


def _session(rng, sprint, kind, title, description, starts: datetime, minutes: int, site) -> Session:
    stamp = sprint.kickoff_at - timedelta(days=10)
    return Session(
        sprint=sprint,
        kind=kind,
        title=f"{title} at {site.name}" if site is not None else title,
        description=description,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=minutes),
        # Most sessions are online; stand-ups happen in the room, kickoff and closing are streamed to sites too.
        online_url="" if site is not None else f"https://meet.example.org/{sprint.slug}-{int(starts.timestamp())}",
        site=site,
        uid=uuid.UUID(int=rng.getrandbits(128), version=4),
        created_at=stamp,
        updated_at=stamp,
    )


def _resources(sprint: Sprint) -> list[Resource]:
    chosen = (*AREA_RESOURCES.get(sprint.research_area, ()), *COMMON_RESOURCES)
    return [
        Resource(
            sprint=sprint,
            category=category,
            title=title,
            url=url,
            notes=notes,
            position=position,
            created_at=sprint.announced_at,
            updated_at=sprint.announced_at,
        )
        for position, (category, title, url, notes) in enumerate(chosen, start=1)
    ]


def build_programme(
    rng: random.Random, *, sprints: list[Sprint], sites: list[LocalSite], participant: User, scale: str
) -> dict[str, int]:
    """Write every published sprint's programme and the demo participant's agenda; return the counts."""
    rows = plan_programme(rng, sprints=sprints, sites=sites, scale=scale)
    agenda = demo_agenda(participant=participant, sessions=rows.sessions)
    for model, objs in (
        (Speaker, rows.speakers),
        (Session, rows.sessions),
        (SessionSpeaker, rows.links),
        (Resource, rows.resources),
        (AgendaItem, agenda),
    ):
        model.objects.bulk_create(objs, batch_size=BATCH_SIZE)
    return {"sessions": len(rows.sessions), "resources": len(rows.resources), "agenda items": len(agenda)}


def demo_agenda(*, participant: User, sessions: list[Session]) -> list[AgendaItem]:
    """The demo participant starred the keynote, workshop and a talk of the open and the running sprint."""
    wanted = {
        "Keynote: what a weekend of research can find",
        "Workshop: writing an evaluation in an afternoon",
        "Talk: reading a model's features",
    }
    return [
        AgendaItem(user=participant, session=session)
        for session in sessions
        if session.sprint.title in (catalogue.OPEN_SPRINT_TITLE, catalogue.RUNNING_SPRINT_TITLE)
        and session.title in wanted
    ]
