"""Factories for the library: submitted projects (Submission rows written directly), prizes, reviewers."""

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from sprintlab.accounts.models import User
from sprintlab.library.models import Award, Certificate
from sprintlab.library.pdf import tiny_report_pdf
from sprintlab.library.services import award_grant, certificate_issue, results_release
from sprintlab.sprints.models import Prize, Sprint, SprintRole
from sprintlab.submissions.models import InfoHazard, Submission, SubmissionAuthor, SubmissionVersion
from tests.factories import SprintFactory, SprintMembershipFactory
from tests.teams.factories import TeamFactory


class FinishedSprintFactory(SprintFactory):
    """A sprint whose submission deadline passed a week ago and whose judging is over."""

    announced_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=60))
    registration_opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=50))
    kickoff_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    judging_ends_at = factory.LazyAttribute(lambda o: o.submission_deadline_at + timedelta(days=1))
    results_published_at = factory.LazyAttribute(lambda o: o.judging_ends_at + timedelta(days=1))


class ProjectFactory(factory.django.DjangoModelFactory):
    """A submitted project: a team (its lead the one author), one version with a tiny PDF report."""

    class Meta:
        model = Submission
        skip_postgeneration_save = True

    sprint = factory.SubFactory(FinishedSprintFactory)
    team = factory.SubFactory(TeamFactory, sprint=factory.SelfAttribute("..sprint"))
    title = factory.Sequence(lambda n: f"Probing refusal directions {n}")
    abstract = "We look for a single direction that mediates refusal in small chat models."
    report_text = "Our experiments ablate the direction and measure refusal rates across prompts."
    info_hazard = InfoHazard.NONE
    version_count = 1
    first_submitted_at = factory.LazyAttribute(lambda o: o.sprint.submission_deadline_at - timedelta(hours=1))
    last_submitted_at = factory.LazyAttribute(lambda o: o.first_submitted_at)

    @factory.post_generation
    def report(self, create, extracted, **kwargs):
        if not create:
            return
        SubmissionAuthor.objects.create(submission=self, user=self.team.lead, position=0)
        version = SubmissionVersion(
            submission=self,
            number=1,
            title=self.title,
            abstract=self.abstract,
            track=self.track,
            info_hazard=self.info_hazard,
            report_text=self.report_text,
            submitted_by=self.team.lead,
        )
        pdf = tiny_report_pdf(title=self.title, authors=[self.team.lead.display_name], body=self.report_text)
        version.report.save("report.pdf", ContentFile(pdf), save=False)
        version.report_size = len(pdf)
        version.save()


class PrizeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Prize

    sprint = factory.SubFactory(FinishedSprintFactory)
    name = factory.Sequence(lambda n: f"Prize {n}")
    amount = "$1,000"


def make_reviewer(sprint):
    """An info-hazard reviewer of ``sprint``."""
    return SprintMembershipFactory(sprint=sprint, role=SprintRole.HAZARD_REVIEWER).user


def make_organiser(sprint):
    return SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user


@dataclass
class LibraryWorld:
    """For the hostile walkers: a released sprint with a published, awarded project and a certificate, and
    a finished sprint awaiting results with a flagged project, a clear one and an award to take back."""

    released_sprint: Sprint
    project: Submission
    author: User
    certificate: Certificate
    pending_sprint: Sprint
    flagged: Submission
    clear: Submission
    prize: Prize
    award: Award


def build_library_world(staff) -> LibraryWorld:
    project = ProjectFactory()
    released = project.sprint
    award_grant(actor=staff, prize=PrizeFactory(sprint=released), submission=project)
    results_release(actor=staff, sprint=released)
    pending = FinishedSprintFactory()
    flagged = ProjectFactory(sprint=pending, info_hazard=InfoHazard.POSSIBLE, info_hazard_note="Dual use.")
    clear = ProjectFactory(sprint=pending)
    prize = PrizeFactory(sprint=pending)
    return LibraryWorld(
        released_sprint=released,
        project=project,
        author=project.team.lead,
        certificate=certificate_issue(actor=project.team.lead, sprint=released),
        pending_sprint=pending,
        flagged=flagged,
        clear=clear,
        prize=prize,
        award=award_grant(actor=staff, prize=prize, submission=clear),
    )
