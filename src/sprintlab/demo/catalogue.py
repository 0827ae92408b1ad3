"""What the demo sprints are about: a history shaped like Apart Research's since November 2022.

Past sprints have fixed dates (the record does not move); the running, open, announced and draft
sprints are placed relative to the day the demo is built so that every phase is visible.
"""

from dataclasses import dataclass, field
from datetime import date

from sprintlab.sprints.models import ResearchArea

A = ResearchArea


@dataclass(frozen=True)
class PartnerSpec:
    name: str
    url: str


PARTNERS: tuple[PartnerSpec, ...] = (
    PartnerSpec("Apollo Research", "https://www.apolloresearch.ai"),
    PartnerSpec("Cooperative AI Foundation", "https://www.cooperativeai.com"),
    PartnerSpec("Entrepreneur First", "https://www.joinef.com"),
    PartnerSpec("Alan Turing Institute", "https://www.turing.ac.uk"),
    PartnerSpec("University of Oxford", "https://www.ox.ac.uk"),
    PartnerSpec("METR", "https://metr.org"),
    PartnerSpec("AI Safety Hub Copenhagen", "https://example.org/aish-copenhagen"),
)


@dataclass(frozen=True)
class SprintSpec:
    title: str
    area: str
    tagline: str
    tracks: tuple[str, ...]
    partners: tuple[str, ...] = ()
    # Past sprints: the Friday of kickoff. Others: days from today (negative = in the past).
    kickoff: date | None = None
    kickoff_in_days: int | None = None
    # Relative size of the sprint (participants and sites scale with it).
    size: float = 1.0
    reviewed: bool = False
    published: bool = True
    capacity_factor: float | None = None
    extra: dict = field(default_factory=dict)


SPRINTS: tuple[SprintSpec, ...] = (
    SprintSpec(
        "Interpretability Hackathon",
        A.INTERPRETABILITY,
        "Find circuits in small language models in one weekend.",
        ("Circuits in toy models", "Probing for concepts", "Open-ended interpretability"),
        kickoff=date(2022, 11, 11),
        size=0.8,
    ),
    SprintSpec(
        "AI Testing Hackathon",
        A.EVALUATIONS,
        "Break language models before they break things.",
        ("Red-teaming prompts", "Automated test generation"),
        kickoff=date(2022, 12, 16),
        size=0.6,
    ),
    SprintSpec(
        "Mechanistic Interpretability Hackathon",
        A.INTERPRETABILITY,
        "Reverse-engineer transformers with TransformerLens.",
        ("Induction heads", "Superposition", "Attention patterns"),
        kickoff=date(2023, 1, 20),
        size=1.0,
    ),
    SprintSpec(
        "ChatGPT Evaluations Jam",
        A.EVALUATIONS,
        "Measure what chat assistants really do.",
        ("Deception", "Sycophancy", "Refusals"),
        kickoff=date(2023, 2, 10),
        size=0.9,
    ),
    SprintSpec(
        "AI Governance Hackathon",
        A.GOVERNANCE,
        "Policy proposals grounded in technical evidence.",
        ("Compute governance", "Standards and audits", "International coordination"),
        kickoff=date(2023, 3, 24),
        size=1.1,
    ),
    SprintSpec(
        "Interpretability Hackathon 3.0",
        A.INTERPRETABILITY,
        "The third round: sparse features, circuits and tools.",
        ("Feature discovery", "Model editing", "Interpretability tooling"),
        kickoff=date(2023, 5, 5),
        size=1.4,
    ),
    SprintSpec(
        "Safety Benchmarks Hackathon",
        A.BENCHMARKS,
        "Datasets that tell us whether models are safe.",
        ("Dangerous capabilities", "Honesty", "Robustness"),
        kickoff=date(2023, 6, 30),
        size=1.0,
    ),
    SprintSpec(
        "Evals Research Sprint",
        A.EVALUATIONS,
        "Design and run evaluations with Apollo Research.",
        ("Deceptive alignment evals", "Situational awareness", "Agentic tasks"),
        ("Apollo Research",),
        kickoff=date(2023, 8, 18),
        size=1.3,
    ),
    SprintSpec(
        "Multi-Agent Security Hackathon",
        A.MULTI_AGENT,
        "New failure cases in multi-agent AI systems.",
        ("Collusion", "Emergent conflict", "Security of agent ecosystems"),
        ("Cooperative AI Foundation",),
        kickoff=date(2023, 10, 6),
        size=1.6,
    ),
    SprintSpec(
        "AI Security Startup Hackathon",
        A.SECURITY,
        "Build the companies that make AI safer.",
        ("Evaluations as a service", "Monitoring", "Secure deployment"),
        ("Entrepreneur First",),
        kickoff=date(2023, 11, 17),
        size=1.0,
    ),
    SprintSpec(
        "Deception Detection Hackathon",
        A.ALIGNMENT,
        "Catch models that say one thing and mean another.",
        ("Lie detection probes", "Sandbagging", "Steganography"),
        kickoff=date(2024, 1, 26),
        size=1.2,
    ),
    SprintSpec(
        "Governance Research Sprint",
        A.GOVERNANCE,
        "Technical governance for frontier AI.",
        ("Model registries", "Incident reporting", "Liability"),
        ("Alan Turing Institute",),
        kickoff=date(2024, 3, 15),
        size=1.0,
        reviewed=True,
    ),
    SprintSpec(
        "Scalable Oversight Sprint",
        A.ALIGNMENT,
        "Supervising systems smarter than the supervisor.",
        ("Debate", "Weak-to-strong generalisation", "Recursive reward modelling"),
        kickoff=date(2024, 6, 7),
        size=1.0,
    ),
    SprintSpec(
        "Dangerous Capabilities Evals Sprint",
        A.EVALUATIONS,
        "Measure the capabilities that matter most.",
        ("Cyber offence", "Autonomous replication", "Persuasion"),
        ("METR",),
        kickoff=date(2024, 10, 4),
        size=1.3,
    ),
    SprintSpec(
        "Sparse Autoencoders Hackathon",
        A.INTERPRETABILITY,
        "Open the box with dictionary learning.",
        ("Feature steering", "Circuit discovery with SAEs", "Evaluating SAEs"),
        kickoff=date(2025, 2, 21),
        size=1.5,
    ),
    SprintSpec(
        "Agent Security Hackathon",
        A.SECURITY,
        "Keep autonomous agents inside their bounds.",
        ("Prompt injection", "Sandboxing", "Agent monitoring"),
        ("Apollo Research",),
        kickoff=date(2025, 6, 13),
        size=1.4,
    ),
    SprintSpec(
        "Cooperative AI Research Sprint",
        A.MULTI_AGENT,
        "AI systems that work well with each other and with us.",
        ("Bargaining", "Commitment devices", "Norms"),
        ("Cooperative AI Foundation", "University of Oxford"),
        kickoff=date(2025, 10, 24),
        size=1.3,
        reviewed=True,
    ),
    SprintSpec(
        "Benchmarks for Honest AI",
        A.BENCHMARKS,
        "Benchmarks that reward telling the truth.",
        ("Calibration", "Hidden knowledge", "Benchmark contamination"),
        kickoff=date(2026, 4, 17),
        size=1.2,
    ),
    # Relative to today: one in judging, one running now, one open now, one announced, one draft.
    SprintSpec(
        "Control Evaluations Hackathon",
        A.EVALUATIONS,
        "Assume misalignment and still stay safe.",
        ("Trusted monitoring", "Untrusted models as editors", "Red-team strategies"),
        ("Apollo Research",),
        kickoff_in_days=-5,
        size=1.2,
    ),
    # Kickoff yesterday at 17:00 UTC and the deadline at midnight the day after tomorrow: whatever
    # the hour the demo is loaded, its weekend is under way (kickoff 7 to 31 hours ago, 1 to 2 days left).
    SprintSpec(
        "Model Organisms Hackathon",
        A.ALIGNMENT,
        "Build small, honest examples of misalignment to study.",
        ("Sleeper agents", "Reward hacking", "Situational awareness"),
        ("METR",),
        kickoff_in_days=-1,
        size=1.0,
    ),
    SprintSpec(
        "Interpretability Hackathon 4.0",
        A.INTERPRETABILITY,
        "The fourth round: from features to explanations.",
        ("Automated interpretability", "Circuits at scale", "Interpretability for oversight"),
        ("Apollo Research", "University of Oxford"),
        kickoff_in_days=16,
        size=1.8,
        # A cap just above demand: a few seats stay free overall while the busiest sites fill up,
        # so a visitor can still register and the waitlists show at the full sites.
        capacity_factor=1.3,
    ),
    SprintSpec(
        "Multi-Agent Security Hackathon 2.0",
        A.MULTI_AGENT,
        "Failure modes when many agents meet.",
        ("Collusion detection", "Cascading failures", "Secure protocols"),
        ("Cooperative AI Foundation",),
        kickoff_in_days=58,
        size=1.0,
        reviewed=True,
    ),
    SprintSpec(
        "AI Governance Sprint 2027",
        A.GOVERNANCE,
        "Draft: policy research for the year ahead.",
        ("Evaluation policy", "Compute thresholds"),
        kickoff_in_days=110,
        size=1.0,
        published=False,
    ),
)

# The sprint whose registration is open now: the demo's participant and site organiser use it.
OPEN_SPRINT_TITLE = "Interpretability Hackathon 4.0"
# The sprint whose weekend is under way: schedule markers, check-in, the help queue and teams at work.
RUNNING_SPRINT_TITLE = "Model Organisms Hackathon"

PRIZE_LADDER = (
    ("First place", "$2,000"),
    ("Second place", "$1,000"),
    ("Third place", "$500"),
    ("Best newcomer team", "$300"),
)


# The "About this sprint" text. The sprint page shows the title, tagline, tracks and co-hosts in
# places of their own, so the description does not repeat them (it did, and the page read them twice).
DESCRIPTION_MARKDOWN = (
    "Join researchers from around the world for a weekend of focused work in teams of one to five, "
    "remotely or at a local site near you.\n\n"
    "### What you get\n\n"
    "1. Talks from researchers in the field on Friday evening\n"
    "2. Starter code, datasets and a reading list\n"
    "3. Mentors on Discord throughout the weekend\n"
    "4. Feedback from judges on every submitted project\n\n"
    "Projects that show promise may continue in the *Apart Lab fellowship*."
)
TRACK_DESCRIPTION = "Starter code and a reading list for this track are shared at the kickoff."


RULES_MARKDOWN = (
    "- Teams of one to five people; you may join a team at the kickoff.\n"
    "- Work must be started during the sprint; you may use existing open-source code and models.\n"
    "- Submit a PDF report (max. 6 pages) and your code before the deadline.\n"
    "- Follow the information-hazard policy: no publication of dangerous capabilities."
)
CODE_OF_CONDUCT_MARKDOWN = (
    "We want every participant to feel welcome.\n\n"
    "- Be respectful and constructive, online and at sites.\n"
    "- No harassment or discrimination of any kind.\n"
    "- Report problems to the organisers at **conduct@example.org**; we answer within 24 hours."
)
SITE_DESCRIPTION = (
    "Join us at **{venue}** in {city} for the weekend. We provide food, Wi-Fi and a quiet room for "
    "focused work; bring your laptop and charger.\n\nThe site organisers will share talks on the big screen."
)
