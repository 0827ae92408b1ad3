"""Projects, results and the public library: what past sprints' teams submitted and what got published.

Each past sprint's teams submit a project (about 200 across the history on ``--scale large``, 60 on
small) with a one-page generated PDF; its text is also stored in ``report_text``, so search works
without parsing PDFs. A few teams flag their project as a possible info hazard: most were let
through by a reviewer, one was redacted, one kept private and one withdrawn again after a new flag. Winners get the sprint's prizes and
their authors hold winners' certificates; everyone else who took part holds a participation one. The sprint that just ran has submissions but no results yet, so
organisers see the info-hazard queue and the similar-projects check on fresh work.
Rows are written in bulk; nothing goes through the services, so nothing is audited or emailed.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from datetime import datetime, timedelta

from django.contrib.postgres.search import SearchVector
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import Q

from sprintlab.accounts.models import User
from sprintlab.library.models import (
    Award,
    Certificate,
    CertificateKind,
    HazardDecision,
    HazardDecisionKind,
    Publication,
    PublicationStatus,
    ResultsRelease,
)
from sprintlab.library.notify import results_message
from sprintlab.library.pdf import tiny_report_pdf
from sprintlab.library.selectors import FTS_CONFIG, participants_of
from sprintlab.notifications.models import InboxItem, NotificationKind
from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import Prize, Sprint
from sprintlab.submissions.models import InfoHazard, Submission, SubmissionAuthor, SubmissionVersion
from sprintlab.teams.models import Team, TeamMember

PROJECTS = {"small": 60, "large": 200}
FLAGGED_SHARE = 0.06
MIN_PER_SPRINT = 8
# The sprint being judged gets this many fresh submissions (no results yet).
JUDGING_PROJECTS = 12

# Words per research area: (subjects, methods, models or settings, findings).
TOPICS = {
    "interpretability": (
        (
            "refusal directions",
            "induction heads",
            "sparse autoencoder features",
            "negation circuits",
            "attention sinks",
        ),
        ("activation patching", "linear probes", "attribution graphs", "causal scrubbing", "logit lens"),
        ("GPT-2 small", "Pythia-410M", "a two-layer transformer", "Gemma-2B", "a toy model of superposition"),
        (
            "a single direction mediates the behaviour",
            "features split as the dictionary grows",
            "the circuit reuses an earlier head",
            "probes overstate what the model uses",
        ),
    ),
    "evaluations": (
        ("sandbagging", "situational awareness", "deceptive answers", "tool misuse", "sycophancy"),
        ("held-out task suites", "paired prompts", "elicitation with fine-tuning", "agentic scaffolds", "red-teaming"),
        ("open-weight chat models", "frontier API models", "coding agents", "browsing agents"),
        (
            "scores move with small prompt changes",
            "fine-tuning elicits hidden capability",
            "graders disagree on borderline cases",
            "agents give up early on long tasks",
        ),
    ),
    "governance": (
        ("compute thresholds", "incident reporting", "third-party audits", "model registries", "export controls"),
        ("policy analysis", "case studies", "stakeholder interviews", "comparative law review", "scenario planning"),
        ("the EU AI Act", "national AI safety institutes", "frontier labs' safety frameworks", "open-source releases"),
        (
            "reporting duties are vague about timelines",
            "audits lack access to weights",
            "thresholds age quickly",
            "voluntary commitments diverge",
        ),
    ),
    "benchmarks": (
        ("benchmark contamination", "saturated leaderboards", "multilingual coverage", "long-context recall"),
        ("canary strings", "perturbed test sets", "item response theory", "adversarial filtering"),
        ("MMLU", "GSM8K", "a new multilingual suite", "code benchmarks"),
        ("contamination inflates scores", "rephrased items drop accuracy", "few items carry the ranking"),
    ),
    "multi_agent": (
        ("collusion", "coordination failures", "bargaining", "emergent communication", "public goods games"),
        ("repeated games", "mechanism design", "population-based training", "negotiation transcripts"),
        ("language-model agents", "reinforcement-learning agents", "mixed human and AI groups"),
        ("agents collude without being told to", "small rule changes restore cooperation", "reputation helps"),
    ),
    "alignment": (
        ("reward hacking", "goal misgeneralisation", "corrigibility", "scalable oversight", "honesty"),
        ("debate", "constitutional feedback", "weak-to-strong generalisation", "process supervision"),
        ("small chat models", "reward models", "toy gridworlds"),
        ("weak supervisors recover most of the gap", "debate helps on hard questions", "reward models are gamed"),
    ),
    "security": (
        ("prompt injection", "jailbreaks", "data poisoning", "model weight theft", "backdoors"),
        ("fuzzing", "adversarial suffixes", "canary tokens", "anomaly detection", "access control audits"),
        ("retrieval-augmented assistants", "email agents", "open-weight models", "inference servers"),
        ("indirect injections survive summarisation", "detectors miss paraphrased attacks", "backdoors persist"),
    ),
}
FILLER = (
    "We describe the setup, the data and the code so that others can repeat the experiments in an afternoon.",
    "Our results are preliminary: one weekend, small models and few seeds.",
    "We discuss what would change our minds and list the follow-up work we would do with more time.",
    "Limitations include the narrow prompt distribution and the lack of a strong baseline.",
    "All code and data are in the linked repository.",
)


def _project_text(rng: random.Random, area: str, track_name: str) -> tuple[str, str, str]:
    subjects, methods, settings, findings = TOPICS.get(area, TOPICS["alignment"])
    subject, method, setting, finding = (rng.choice(words) for words in (subjects, methods, settings, findings))
    title = rng.choice(
        (
            f"{subject.capitalize()} in {setting}",
            f"Studying {subject} with {method}",
            f"What {method} reveals about {subject}",
            f"{subject.capitalize()}: evidence from {setting}",
        )
    )
    abstract = (
        f"We study {subject} in {setting} using {method}. Our main finding is that {finding}. "
        f"This project was part of the {track_name or area.replace('_', ' ')} track."
    )
    second_method = rng.choice([m for m in methods if m != method] or list(methods))
    body = " ".join(
        (
            abstract,
            f"Section 2 compares {method} with {second_method} on {rng.choice(settings)}.",
            f"Across {rng.randint(3, 40)} runs we observe that {rng.choice(findings)}.",
            *rng.sample(FILLER, 3),
        )
    )
    return title[:200], abstract, body


def _site_of(sprint_id: int, member_ids: list[int], sites: dict[tuple[int, int], int]) -> int | None:
    """The site most of the team registered at (None: a remote team)."""
    counts = Counter(sites[sprint_id, user_id] for user_id in member_ids if (sprint_id, user_id) in sites)
    return counts.most_common(1)[0][0] if counts else None


def build_library(rng: random.Random, *, sprints: list[Sprint], reviewer, scale: str, now: datetime) -> None:
    past = [s for s in sprints if s.is_published and s.results_published_at <= now]
    judging = [s for s in sprints if s.is_published and s.submission_deadline_at <= now < s.results_published_at]
    if not past and not judging:
        return
    # The newest sprints first, each with more projects than prizes, until the scale's total is reached.
    per_sprint = max(MIN_PER_SPRINT, -(-PROJECTS[scale] // max(1, len(past))))
    remaining = PROJECTS[scale]
    past = sorted(past, key=lambda sprint: sprint.kickoff_at, reverse=True)
    teams_by_sprint = defaultdict(list)
    for team in Team.objects.filter(sprint__in=past + judging, disbanded_at__isnull=True).order_by("sprint_id", "id"):
        teams_by_sprint[team.sprint_id].append(team)
    members, names = defaultdict(list), {}
    for team_id, user_id, name in (
        TeamMember.objects.filter(team__sprint__in=past + judging)
        .order_by("id")
        .values_list("team_id", "user_id", "user__display_name")
    ):
        members[team_id].append(user_id)
        names[user_id] = name
    sites = {
        (sprint_id, user_id): site_id
        for sprint_id, user_id, site_id in Registration.objects.filter(sprint__in=past, site__isnull=False).values_list(
            "sprint_id", "user_id", "site_id"
        )
    }
    # Submissions the submissions demo already wrote are published as they are; teams without one submit here.
    existing = defaultdict(list)
    for submission in Submission.objects.filter(sprint__in=past + judging).select_related("sprint").order_by("id"):
        existing[submission.sprint_id].append(submission)
    submissions, versions, authors, reused = [], [], [], []
    for sprint in past + judging:
        already = [s for s in existing[sprint.pk] if s.version_count > 0]
        submitted_teams = {s.team_id for s in existing[sprint.pk]}
        teams = [team for team in teams_by_sprint[sprint.pk] if members[team.pk] and team.pk not in submitted_teams]
        quota = JUDGING_PROJECTS if sprint in judging else max(0, min(per_sprint, remaining))
        kept = rng.sample(already, min(quota, len(already)))
        chosen = [] if sprint in judging and already else rng.sample(teams, min(quota - len(kept), len(teams)))
        if sprint in past:
            reused += kept
            remaining -= len(kept) + len(chosen)
        for team in chosen:
            track_name = team.track.name if team.track_id else ""
            title, abstract, body = _project_text(rng, sprint.research_area, track_name)
            submitted_at = sprint.submission_deadline_at - timedelta(minutes=rng.randint(5, 600))
            flag = rng.random() < FLAGGED_SHARE
            submission = Submission(
                sprint=sprint,
                team=team,
                title=title,
                abstract=abstract,
                track_id=team.track_id,
                report_text=body,
                info_hazard=rng.choice((InfoHazard.POSSIBLE, InfoHazard.YES)) if flag else InfoHazard.NONE,
                info_hazard_note="Describes an attack that works on deployed assistants." if flag else "",
                version_count=1,
                first_submitted_at=submitted_at,
                last_submitted_at=submitted_at,
                created_at=submitted_at,
                updated_at=submitted_at,
            )
            submissions.append(submission)
            pdf = tiny_report_pdf(title=title, authors=[names[user_id] for user_id in members[team.pk]], body=body)
            name = default_storage.save(f"submissions/reports/demo-{rng.getrandbits(96):024x}.pdf", ContentFile(pdf))
            versions.append((submission, SubmissionVersion(
                number=1, title=title, abstract=abstract, track_id=team.track_id, info_hazard=submission.info_hazard,
                report=name, report_name="report.pdf", report_size=len(pdf), report_pages=1, report_text=body,
                processed_at=submitted_at, submitted_by_id=members[team.pk][0],
            )))  # fmt: skip
            authors += [(submission, user_id, position) for position, user_id in enumerate(members[team.pk])]
    Submission.objects.bulk_create(submissions, batch_size=1000)
    for submission, version in versions:
        version.submission = submission
    SubmissionVersion.objects.bulk_create([version for _submission, version in versions], batch_size=1000)
    SubmissionAuthor.objects.bulk_create(
        [SubmissionAuthor(submission=s, user_id=u, position=p) for s, u, p in authors], batch_size=2000
    )
    _publish_past(rng, reused + [s for s in submissions if s.sprint in past], past, members, sites, reviewer)


def _publish_past(rng, submissions, past, members, sites, reviewer) -> None:
    decisions, publications = [], []
    flagged = [s for s in submissions if s.info_hazard != InfoHazard.NONE]
    outcome = {s.pk: HazardDecisionKind.PUBLISH for s in flagged}
    if len(flagged) >= 2:
        outcome[flagged[0].pk] = HazardDecisionKind.PRIVATE
        outcome[flagged[1].pk] = HazardDecisionKind.REDACT
    for submission in flagged:
        decision = HazardDecision(
            submission=submission,
            decision=outcome[submission.pk],
            reason={
                HazardDecisionKind.PUBLISH: "The attack is already public and the write-up adds mitigations.",
                HazardDecisionKind.REDACT: "Section 2 gives a working recipe; the rest is useful and safe.",
                HazardDecisionKind.PRIVATE: "The report is a step-by-step guide; shared with the affected vendor.",
            }[outcome[submission.pk]],
            redacted_abstract="We study an attack on deployed assistants and propose mitigations. [Details redacted.]"
            if outcome[submission.pk] == HazardDecisionKind.REDACT
            else "",
            redaction_note="The method section was removed after info-hazard review."
            if outcome[submission.pk] == HazardDecisionKind.REDACT
            else "",
            decided_by=reviewer,
        )
        decisions.append(decision)
    HazardDecision.objects.bulk_create(decisions)
    by_submission = {decision.submission_id: decision for decision in decisions}
    # One project let through was flagged again after publication: withdrawn, waiting for the reviewer.
    withdrawn_id = flagged[2].pk if len(flagged) >= 3 else None
    if withdrawn_id is not None:
        HazardDecision.objects.create(
            submission_id=withdrawn_id,
            decision=HazardDecisionKind.WITHDRAWN,
            reason="A judge flagged the project as a possible info hazard after it was published or let through.",
        )
    prizes = defaultdict(list)
    for prize in Prize.objects.filter(sprint__in=past).order_by("position", "id"):
        prizes[prize.sprint_id].append(prize)
    awards, award_names = [], defaultdict(list)
    for sprint in past:
        entries = [
            s for s in submissions if s.sprint_id == sprint.pk and outcome.get(s.pk) != HazardDecisionKind.PRIVATE
        ]
        for prize, winner in zip(
            prizes[sprint.pk], rng.sample(entries, min(len(entries), len(prizes[sprint.pk]))), strict=False
        ):
            awards.append(Award(sprint=sprint, prize=prize, submission=winner))
            award_names[winner.pk].append(prize.name)
    Award.objects.bulk_create(awards)
    for submission in submissions:
        decision = by_submission.get(submission.pk)
        redacted = decision is not None and decision.decision == HazardDecisionKind.REDACT
        private = decision is not None and decision.decision == HazardDecisionKind.PRIVATE
        sprint = submission.sprint
        published_at = sprint.results_published_at + timedelta(hours=rng.randint(0, 48))
        status = PublicationStatus.PUBLISHED
        if private:
            status = PublicationStatus.PRIVATE
        elif submission.pk == withdrawn_id:
            status = PublicationStatus.WITHDRAWN
        publications.append(Publication(
            submission=submission, status=status,
            title=submission.title, abstract=decision.redacted_abstract if redacted else submission.abstract,
            text=decision.redacted_abstract if redacted else submission.report_text, redacted=redacted,
            redaction_note=decision.redaction_note if redacted else "", sprint=sprint,
            research_area=sprint.research_area, year=sprint.kickoff_at.year, track_id=submission.track_id,
            site_id=_site_of(sprint.pk, members[submission.team_id], sites),
            award_names="; ".join(award_names[submission.pk]), published_at=published_at,
        ))  # fmt: skip
    Publication.objects.bulk_create(publications, batch_size=1000)
    if connection.vendor == "postgresql":
        Publication.objects.filter(search_vector__isnull=True).update(
            search_vector=SearchVector("title", weight="A", config=FTS_CONFIG)
            + SearchVector("abstract", weight="B", config=FTS_CONFIG)
            + SearchVector("text", weight="C", config=FTS_CONFIG)
        )
    ResultsRelease.objects.bulk_create(ResultsRelease(sprint=sprint) for sprint in past)
    authors = defaultdict(list)
    for submission_id, user_id, name in SubmissionAuthor.objects.filter(
        submission__in=[award.submission for award in awards]
    ).values_list("submission_id", "user_id", "user__display_name"):
        authors[submission_id].append((user_id, name))
    certificates, seen = [], set()
    for award in awards:
        for user_id, name in authors[award.submission_id]:
            if (award.sprint_id, user_id) in seen:
                continue
            seen.add((award.sprint_id, user_id))
            certificates.append(Certificate(
                code="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _index in range(12)),
                sprint=award.sprint, user_id=user_id, submission=award.submission, kind=CertificateKind.WINNER,
                holder_name=name, project_title=award.submission.title, award_names="; ".join(award_names[award.submission_id]),
            ))  # fmt: skip
    # Everyone else who took part (docs/library.md, "Who took part") holds a participation certificate.
    for sprint in past:
        people = participants_of(sprint)
        names = dict(User.objects.filter(pk__in=list(people)).values_list("pk", "display_name"))
        titles = dict(Submission.objects.filter(sprint=sprint).values_list("pk", "title"))
        for user_id in sorted(people):
            if (sprint.pk, user_id) in seen:
                continue
            seen.add((sprint.pk, user_id))
            certificates.append(Certificate(
                code="".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _index in range(12)),
                sprint=sprint, user_id=user_id, submission_id=people[user_id], kind=CertificateKind.PARTICIPATION,
                holder_name=names.get(user_id, ""), project_title=titles.get(people[user_id], ""),
            ))  # fmt: skip
    Certificate.objects.bulk_create(certificates, batch_size=1000)
    _results_in_inboxes(past)
    # auto_now_add stamped these rows with today; each happened around its sprint's results.
    for sprint in past:
        at = sprint.results_published_at
        ResultsRelease.objects.filter(sprint=sprint).update(released_at=at)
        Award.objects.filter(sprint=sprint).update(created_at=at - timedelta(days=1))
        Certificate.objects.filter(sprint=sprint).update(
            issued_at=at + timedelta(days=2), updated_at=at + timedelta(days=2)
        )
        HazardDecision.objects.filter(submission__sprint=sprint).update(decided_at=at - timedelta(days=2))


def _results_in_inboxes(past: list[Sprint]) -> None:
    """The newest past sprint's participants have the results notification in their inbox, as the task leaves it."""
    if not past:
        return
    sprint = max(past, key=lambda each: each.results_published_at)
    items = []
    for user_id, submission_id in sorted(participants_of(sprint).items()):
        message = results_message(sprint, on_project=submission_id is not None)
        prefix = "results-team" if submission_id is not None else "results"
        items.append(InboxItem(
            key=f"{prefix}:{sprint.pk}:{user_id}", user_id=user_id, kind=NotificationKind.ANNOUNCEMENT,
            title=message["inbox_title"], body_html=message["inbox_body_html"], url=message["inbox_url"],
        ))  # fmt: skip
    InboxItem.objects.bulk_create(items, batch_size=1000)
    # auto_now_add stamped them with today; they arrived when the results did.
    InboxItem.objects.filter(
        Q(key__startswith=f"results:{sprint.pk}:") | Q(key__startswith=f"results-team:{sprint.pk}:")
    ).update(created_at=sprint.results_published_at)
