"""Submissions for the demo's past sprints: most teams submitted a report, some saved several versions.

Each submission gets a small real PDF (``submissions.sample_pdf``: its title and abstract on the
first page, a few hundred bytes a page) stored under a random name, and its text already
extracted, so search and judging have something to read without the background task. Earlier
versions point at the same stored file as the latest one: a demo does not need every draft, and
this keeps loading fast when the large demo has thousands of teams. No thumbnails are rendered
here (the pages show none until a report is uploaded for real).
"""

from __future__ import annotations

import hashlib
import random
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core.files.base import ContentFile

from sprintlab.sprints.models import Sprint, Track
from sprintlab.submissions.models import (
    InfoHazard,
    Submission,
    SubmissionAuthor,
    SubmissionVersion,
    private_storage,
    report_upload_to,
)
from sprintlab.submissions.sample_pdf import sample_pdf
from sprintlab.teams.models import Team, TeamMember

SUBMITTED_SHARE = 0.85
VERSION_WEIGHTS = (50, 30, 15, 5)  # 1, 2, 3 or 4 versions
HAZARD_WEIGHTS = (90, 8, 2)  # none, possible, yes
CODE_SHARE = 0.7
VIDEO_SHARE = 0.25
QUESTIONS = (
    "Where does {topic} live inside a small transformer?",
    "Can {topic} be detected before deployment?",
    "A cheap test for {topic}",
    "Measuring {topic} across three model families",
    "{topic}: a replication and two surprises",
    "Do sparse features explain {topic}?",
    "Steering {topic} with a single direction",
    "An honest negative result on {topic}",
)
TOPICS = (
    "sycophancy", "refusal behaviour", "induction heads", "deceptive answers", "goal misgeneralisation",
    "prompt injection", "feature splitting", "reward hacking", "situational awareness", "jailbreak transfer",
    "superposition", "calibration", "power-seeking language", "hidden reasoning",
)  # fmt: skip
FINDINGS = (
    "We trained linear probes on the residual stream and found the signal concentrated in a few middle layers.",
    "A small ablation study shows the behaviour depends on two attention heads more than on the MLPs.",
    "Our benchmark of 400 hand-checked prompts separates the models more clearly than the existing ones.",
    "The effect replicates on a second model family but shrinks by half, which we discuss in detail.",
    "We release a notebook that reproduces every figure in under ten minutes on a laptop GPU.",
    "Negative result: the method from the original paper does not transfer, and we explain why we think so.",
)
HAZARD_NOTES = (
    "The prompts that worked best could help someone bypass safety filters; we left them out of the report.",
    "The technique might make fine-tuning attacks cheaper; the organisers should decide before publishing.",
)


def _past(sprint: Sprint, now: datetime) -> bool:
    return sprint.is_published and sprint.submission_deadline_at <= now


def _title(rng: random.Random) -> tuple[str, str]:
    topic = rng.choice(TOPICS)
    title = rng.choice(QUESTIONS).format(topic=topic)
    return title[0].upper() + title[1:], topic


def build_submissions(rng: random.Random, *, sprints: list[Sprint], now: datetime) -> int:
    """Write the past sprints' submissions; returns how many."""
    storage = private_storage()
    past = [sprint for sprint in sprints if _past(sprint, now)]
    tracks: dict[int, list[Track]] = {}
    for track in Track.objects.filter(sprint__in=past).order_by("position", "id"):
        tracks.setdefault(track.sprint_id, []).append(track)
    teams = list(
        Team.objects.filter(sprint__in=past, disbanded_at__isnull=True).select_related("sprint").order_by("id")
    )
    members: dict[int, list[int]] = {}
    for team_id, user_id in (
        TeamMember.objects.filter(team__in=teams).order_by("joined_at", "id").values_list("team_id", "user_id")
    ):
        members.setdefault(team_id, []).append(user_id)
    planned = []
    for team in teams:
        if not members.get(team.pk) or rng.random() > SUBMITTED_SHARE:
            continue
        planned.append((team, _plan(rng, team, tracks.get(team.sprint_id, []), members[team.pk])))
    submissions = [submission for _team, (submission, _versions) in planned]
    Submission.objects.bulk_create(submissions, batch_size=500)
    versions, authors = [], []
    for team, (submission, drafts) in planned:
        for position, user_id in enumerate(members[team.pk]):
            authors.append(SubmissionAuthor(submission=submission, user_id=user_id, position=position))
        pages = rng.randint(2, 6)
        data = sample_pdf(submission.title, [submission.abstract, *rng.sample(FINDINGS, 2)], pages=pages)
        name = storage.save(report_upload_to(None, ""), ContentFile(data))
        digest = hashlib.sha256(data).hexdigest()
        for version in drafts:
            version.submission = submission
            version.report = name
            version.report_size = len(data)
            version.report_sha256 = digest
            version.report_pages = pages
            versions.append(version)
    with _historical_version_times():
        SubmissionVersion.objects.bulk_create(versions, batch_size=500)
    SubmissionAuthor.objects.bulk_create(authors, batch_size=1000)
    return len(submissions)


@contextmanager
def _historical_version_times():
    """Versions keep the times planned for them (``created_at`` is otherwise stamped with now)."""
    created_at = SubmissionVersion._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        yield
    finally:
        created_at.auto_now_add = True


def _plan(rng: random.Random, team: Team, tracks: list[Track], member_ids: list[int]):
    """The submission row and its versions (files filled in later), times before the deadline."""
    sprint = team.sprint
    count = rng.choices((1, 2, 3, 4), weights=VERSION_WEIGHTS)[0]
    deadline = sprint.submission_deadline_at
    times = sorted(deadline - timedelta(minutes=rng.randint(1, 36 * 60)) for _ in range(count))
    title, topic = _title(rng)
    hazard = rng.choices(InfoHazard.values, weights=HAZARD_WEIGHTS)[0]
    track = rng.choice(tracks) if tracks and rng.random() < 0.9 else None
    values = {
        "title": title,
        "abstract": f"We study {topic} during the {sprint.title}. {rng.choice(FINDINGS)} {rng.choice(FINDINGS)}",
        "track": track,
        "code_url": f"https://github.com/demo-team-{team.pk}/sprint-project" if rng.random() < CODE_SHARE else "",
        "video_url": f"https://video.example.org/demo-{team.pk}" if rng.random() < VIDEO_SHARE else "",
        "info_hazard": hazard,
        "info_hazard_note": rng.choice(HAZARD_NOTES) if hazard != InfoHazard.NONE else "",
    }
    submission = Submission(
        sprint=sprint, team=team, version_count=count, first_submitted_at=times[0], last_submitted_at=times[-1],
        created_at=times[0], updated_at=times[-1], **values,
    )  # fmt: skip
    text = f"{values['title']}\n{values['abstract']}"
    submission.report_text = text
    drafts = []
    for number, at in enumerate(times, start=1):
        draft_values = dict(values, title=values["title"] if number == count else f"{values['title']} (draft)")
        drafts.append(
            SubmissionVersion(
                number=number,
                report_name=f"{team.name.lower().replace(' ', '-')}-report-v{number}.pdf",
                report_text=text,
                processed_at=at,
                submitted_by_id=rng.choice(member_ids),
                created_at=at,
                **draft_values,
            )
        )
    return submission, drafts
