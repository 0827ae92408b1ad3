"""A new info-hazard flag (a judge's or the team's) on a published or let-through project withdraws it
from the library until a reviewer decides again; the decision log records the withdrawal."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.errors import Conflict
from sprintlab.core.models import AuditEntry
from sprintlab.judging import scoring
from sprintlab.library import selectors, services
from sprintlab.library.models import HazardDecision, HazardDecisionKind, Publication, PublicationStatus
from sprintlab.submissions.models import DeadlineExtension, InfoHazard
from tests.judging.factories import JudgingSprintFactory, assign, make_judge
from tests.library.factories import ProjectFactory, make_organiser, make_reviewer
from tests.submissions import factories as submission_factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def published():
    """A project of a sprint still being judged, published by an organiser, with a judge assigned."""
    project = ProjectFactory(sprint=JudgingSprintFactory())
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    judge = make_judge(project.sprint)
    assign(project, judge)
    project.judge = judge
    return project


def _judge_flags(project):
    scoring.review_save(actor=project.judge, submission=project, info_hazard_flag=True, private_note="Dual use.")


def test_a_judges_flag_after_publication_withdraws_the_project(client, published):
    _judge_flags(published)
    publication = Publication.objects.get(submission=published)
    assert publication.status == PublicationStatus.WITHDRAWN
    assert not selectors.public_projects().filter(submission=published).exists()
    assert client.get(f"/library/{published.pk}/").status_code == 404
    assert client.get(f"/api/v1/library/projects/{published.pk}").status_code == 404
    entry = HazardDecision.objects.get(submission=published)
    assert entry.decision == HazardDecisionKind.WITHDRAWN and "judge" in entry.reason and entry.decided_by is None
    assert list(selectors.hazard_log(published.sprint)) == [entry]
    assert AuditEntry.objects.filter(action="library.hazard_withdraw", actor=published.judge).exists()
    gate = selectors.gate_for(published)
    assert gate.awaiting_review and not gate.may_publish
    with pytest.raises(Conflict, match="reviewer decides first"):
        services.project_publish(actor=make_organiser(published.sprint), submission=published)


def test_the_reviewer_then_decides_and_the_log_keeps_both_steps(published):
    _judge_flags(published)
    reviewer = make_reviewer(published.sprint)
    services.hazard_decide(actor=reviewer, submission=published, decision="publish", reason="Checked: harmless.")
    assert Publication.objects.get(submission=published).is_public
    log = [entry.decision for entry in selectors.hazard_log(published.sprint)]
    assert log == [HazardDecisionKind.PUBLISH, HazardDecisionKind.WITHDRAWN]
    services.hazard_decide(actor=reviewer, submission=published, decision="private", reason="On reflection, no.")
    assert Publication.objects.get(submission=published).status == PublicationStatus.PRIVATE


def test_a_flag_after_a_reviewer_let_it_through_asks_the_reviewer_again():
    sprint = JudgingSprintFactory()
    project = ProjectFactory(sprint=sprint, info_hazard=InfoHazard.POSSIBLE, info_hazard_note="Maybe.")
    services.hazard_decide(actor=make_reviewer(sprint), submission=project, decision="publish", reason="Fine.")
    judge = make_judge(sprint)
    assign(project, judge)
    scoring.review_save(actor=judge, submission=project, info_hazard_flag=True)
    assert selectors.gate_for(project).awaiting_review
    summary = services.results_release(actor=make_organiser(sprint), sprint=sprint)
    assert (summary.published, summary.awaiting_review) == (0, 1)
    assert not Publication.objects.filter(submission=project).exists()


def test_a_flag_on_a_project_nobody_let_through_writes_nothing(published):
    other = ProjectFactory(sprint=published.sprint)
    assign(other, published.judge)
    scoring.review_save(actor=published.judge, submission=other, info_hazard_flag=True)
    assert not HazardDecision.objects.filter(submission=other).exists()
    assert selectors.gate_for(other).awaiting_review


def test_saving_the_review_again_with_the_flag_still_set_withdraws_once(published):
    _judge_flags(published)
    services.hazard_decide(
        actor=make_reviewer(published.sprint), submission=published, decision="publish", reason="Fine."
    )
    scoring.review_save(actor=published.judge, submission=published, info_hazard_flag=True, feedback="More.")
    assert Publication.objects.get(submission=published).is_public
    assert HazardDecision.objects.filter(decision=HazardDecisionKind.WITHDRAWN).count() == 1


def test_a_reviewer_cannot_choose_withdrawn(published):
    from sprintlab.core.errors import ServiceError

    with pytest.raises(ServiceError):
        services.hazard_decide(
            actor=make_reviewer(published.sprint), submission=published, decision="withdrawn", reason="x"
        )


def test_a_teams_new_flag_withdraws_its_published_project():
    """The team saves a version with "possibly" (an extension lets it) after the project was published."""
    sprint = submission_factories.running_sprint()
    team = submission_factories.team_in(sprint)
    saved = submission_factories.save(team)
    sprint.submission_deadline_at = timezone.now() - timedelta(hours=1)
    sprint.save(update_fields=["submission_deadline_at"])
    DeadlineExtension.objects.create(team=team, until=timezone.now() + timedelta(hours=5))
    services.project_publish(actor=make_organiser(sprint), submission=saved.submission)
    submission_factories.save(team, info_hazard=InfoHazard.POSSIBLE, info_hazard_note="Synthesis routes.")
    assert Publication.objects.get(submission=saved.submission).status == PublicationStatus.WITHDRAWN
    entry = HazardDecision.objects.get(submission=saved.submission)
    assert entry.decision == HazardDecisionKind.WITHDRAWN and "team" in entry.reason
