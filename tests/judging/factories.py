"""Factories for judging: a sprint in its judging window, submissions of teams, judges, criteria.

Submissions are written directly (the submissions app's services are not needed to judge them).
"""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from sprintlab.judging.models import (
    Assignment,
    AssignmentSource,
    Criterion,
    JudgeProfile,
    JudgingRound,
    JudgingSettings,
)
from sprintlab.sprints.models import SprintMembership, SprintRole
from sprintlab.submissions.models import Submission, SubmissionAuthor
from tests.factories import SprintFactory, UserFactory
from tests.teams.factories import TeamFactory


class JudgingSprintFactory(SprintFactory):
    """A sprint whose submission deadline passed a day ago; judging ends in six days."""

    announced_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=40))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=30))
    kickoff_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=3))
    submission_deadline_at = factory.LazyAttribute(lambda o: o.kickoff_at + timedelta(days=2))


class SubmissionFactory(factory.django.DjangoModelFactory):
    """A submission of a new team (its lead as the one author) in a judging sprint."""

    class Meta:
        model = Submission
        skip_postgeneration_save = True

    sprint = factory.SubFactory(JudgingSprintFactory)
    team = factory.LazyAttribute(lambda o: TeamFactory(sprint=o.sprint))
    title = factory.Sequence(lambda n: f"Probing refusal directions {n}")
    abstract = "We find a single direction that mediates refusal in small chat models."
    version_count = 1
    first_submitted_at = factory.LazyFunction(timezone.now)
    last_submitted_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def lead_author(self, create, extracted, **kwargs):
        if create and extracted is not False:
            SubmissionAuthor.objects.create(submission=self, user=self.team.lead, position=0)


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    sprint = factory.SubFactory(JudgingSprintFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    description = "How good it is."
    scale_min = 1
    scale_max = 5
    levels = factory.LazyFunction(lambda: {"1": "Weak", "5": "Excellent"})
    weight = Decimal("1")
    position = factory.Sequence(int)


class JudgeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JudgeProfile

    user = factory.SubFactory(UserFactory)
    expertise_tags = factory.LazyFunction(lambda: ["interpretability", "evals"])
    expertise = "Sparse autoencoders and probing."
    affiliation = "Example University"


def make_judge(sprint, user=None, **profile):
    """``user`` (a new person by default) as a judge of ``sprint`` with a profile."""
    user = user or UserFactory()
    SprintMembership.objects.get_or_create(sprint=sprint, user=user, role=SprintRole.JUDGE)
    JudgeProfileFactory(user=user, **profile)
    return user


def make_organiser(sprint):
    user = UserFactory()
    SprintMembership.objects.create(sprint=sprint, user=user, role=SprintRole.ORGANISER)
    return user


def assign(submission, judge, *, round=JudgingRound.GLOBAL, source=AssignmentSource.MANUAL):
    return Assignment.objects.create(
        sprint=submission.sprint,
        submission=submission,
        judge=judge,
        round=round,
        source=source,
        reason="Shares the judge's expertise in interpretability.",
    )


def judging_settings(sprint, **values):
    settings, _created = JudgingSettings.objects.update_or_create(sprint=sprint, defaults=values)
    return settings


def pairwise_world() -> dict:
    """A sprint being judged in pairwise mode: three submissions and one judge without conflicts."""
    sprint = JudgingSprintFactory()
    judging_settings(sprint, pairwise_mode=True)
    submissions = [SubmissionFactory(sprint=sprint, title=f"Project {n}") for n in range(3)]
    return {"sprint": sprint, "submissions": submissions, "judge": make_judge(sprint, affiliation="")}
