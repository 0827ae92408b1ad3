"""The library's services: the info-hazard gate, reviewer decisions and their log, winners, results, certificates."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.models import AuditEntry
from sprintlab.library import selectors, services
from sprintlab.library.models import (
    Certificate,
    CertificateKind,
    HazardDecision,
    HazardDecisionKind,
    Publication,
    PublicationStatus,
)
from sprintlab.submissions.models import InfoHazard
from tests.factories import SprintFactory, StaffFactory, UserFactory
from tests.library.factories import PrizeFactory, ProjectFactory, make_organiser, make_reviewer
from tests.teams.factories import TrackFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def project():
    return ProjectFactory()


@pytest.fixture
def flagged():
    return ProjectFactory(info_hazard=InfoHazard.POSSIBLE, info_hazard_note="Could help synthesis.")


def test_publish_writes_the_public_copy(project):
    organiser = make_organiser(project.sprint)
    publication = services.project_publish(actor=organiser, submission=project)
    assert publication.status == PublicationStatus.PUBLISHED
    assert publication.title == project.title
    assert publication.text == project.report_text
    assert publication.year == project.sprint.kickoff_at.year
    assert AuditEntry.objects.filter(action="library.publish").exists()


def test_publish_is_refused_while_flagged_and_undecided(flagged):
    organiser = make_organiser(flagged.sprint)
    with pytest.raises(Conflict, match="info-hazard reviewer decides first"):
        services.project_publish(actor=organiser, submission=flagged)
    assert not Publication.objects.exists()


def test_publish_is_refused_before_the_deadline():
    project = ProjectFactory(sprint=SprintFactory())
    with pytest.raises(Conflict):
        services.project_publish(actor=make_organiser(project.sprint), submission=project)


def test_a_judges_flag_gates_too(project, monkeypatch):
    monkeypatch.setattr(
        "sprintlab.library.sources.judge_hazard_flags", lambda ids: {project.pk: [("Judge Ada", "Dual use")]}
    )
    with pytest.raises(Conflict):
        services.project_publish(actor=make_organiser(project.sprint), submission=project)


def test_only_organisers_publish(project):
    with pytest.raises(PermissionDeniedError):
        services.project_publish(actor=make_reviewer(project.sprint), submission=project)


def test_reviewer_lets_a_flagged_project_through(flagged):
    reviewer = make_reviewer(flagged.sprint)
    services.hazard_decide(actor=reviewer, submission=flagged, decision=HazardDecisionKind.PUBLISH, reason="Benign.")
    publication = services.project_publish(actor=make_organiser(flagged.sprint), submission=flagged)
    assert publication.is_public and not publication.redacted


def test_redaction_replaces_the_public_copy(flagged):
    reviewer = make_reviewer(flagged.sprint)
    pdf = SimpleUploadedFile("x.pdf", b"%PDF-1.4 redacted", content_type="application/pdf")
    services.hazard_decide(
        actor=reviewer,
        submission=flagged,
        decision=HazardDecisionKind.REDACT,
        reason="Section 3 gives a protocol.",
        redacted_text="Only the harmless parts.",
        redacted_report=pdf,
        redaction_note="Section 3 was removed.",
    )
    publication = services.project_publish(actor=make_organiser(flagged.sprint), submission=flagged)
    assert publication.redacted
    assert publication.text == "Only the harmless parts."
    assert publication.abstract == flagged.abstract
    assert publication.redaction_note == "Section 3 was removed."
    assert publication.redacted_report.read().startswith(b"%PDF-")


def test_a_redaction_needs_a_replacement_and_a_note(flagged):
    reviewer = make_reviewer(flagged.sprint)
    with pytest.raises(ServiceError) as raised:
        services.hazard_decide(actor=reviewer, submission=flagged, decision=HazardDecisionKind.REDACT, reason="x")
    assert set(raised.value.message_dict) == {"redacted_abstract", "redaction_note"}


def test_a_redacted_pdf_must_be_a_pdf(flagged):
    with pytest.raises(ServiceError, match="PDF"):
        services.hazard_decide(
            actor=make_reviewer(flagged.sprint),
            submission=flagged,
            decision=HazardDecisionKind.REDACT,
            reason="x",
            redacted_report=SimpleUploadedFile("x.pdf", b"<html><script>"),
            redaction_note="n",
        )


def test_a_decision_needs_a_reason(flagged):
    with pytest.raises(ServiceError) as raised:
        services.hazard_decide(
            actor=make_reviewer(flagged.sprint), submission=flagged, decision=HazardDecisionKind.PUBLISH, reason="  "
        )
    assert "reason" in raised.value.message_dict


def test_keep_private_blocks_publishing_and_unpublishes(project):
    organiser = make_organiser(project.sprint)
    services.project_publish(actor=organiser, submission=project)
    services.hazard_decide(
        actor=make_reviewer(project.sprint), submission=project, decision=HazardDecisionKind.PRIVATE, reason="Risky."
    )
    assert Publication.objects.get(submission=project).status == PublicationStatus.PRIVATE
    with pytest.raises(Conflict, match="keep this project private"):
        services.project_publish(actor=organiser, submission=project)


def test_only_reviewers_decide(flagged):
    for person in (make_organiser(flagged.sprint), flagged.team.lead, UserFactory()):
        with pytest.raises(PermissionDeniedError):
            services.hazard_decide(actor=person, submission=flagged, decision="publish", reason="fine")


def test_staff_permission_makes_a_reviewer_of_every_sprint(flagged):
    from django.contrib.auth.models import Permission

    person = UserFactory()
    person.user_permissions.add(Permission.objects.get(codename="review_all_info_hazards"))
    person = type(person).objects.get(pk=person.pk)
    services.hazard_decide(actor=person, submission=flagged, decision="publish", reason="fine")


def test_the_log_keeps_every_decision_and_cannot_be_rewritten(flagged):
    reviewer = make_reviewer(flagged.sprint)
    services.hazard_decide(actor=reviewer, submission=flagged, decision="private", reason="First look.")
    services.hazard_decide(actor=reviewer, submission=flagged, decision="publish", reason="After discussion.")
    log = list(selectors.hazard_log(flagged.sprint))
    assert [entry.reason for entry in log] == ["After discussion.", "First look."]
    assert selectors.gate_for(flagged).may_publish
    entry = HazardDecision.objects.first()
    entry.reason = "rewritten"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()


def test_results_release_publishes_what_the_gate_lets_through(project):
    other = ProjectFactory(sprint=project.sprint)
    flagged_here = ProjectFactory(sprint=project.sprint, info_hazard=InfoHazard.YES)
    summary = services.results_release(actor=make_organiser(project.sprint), sprint=project.sprint)
    assert (summary.published, summary.awaiting_review) == (2, 1)
    assert set(Publication.objects.values_list("submission_id", flat=True)) == {project.pk, other.pk}
    with pytest.raises(Conflict):
        services.results_release(actor=make_organiser(project.sprint), sprint=project.sprint)
    # A reviewer's decision after the release publishes at once.
    services.hazard_decide(
        actor=make_reviewer(project.sprint), submission=flagged_here, decision="publish", reason="Fine after all."
    )
    assert Publication.objects.get(submission=flagged_here).is_public


def test_awards_per_track_and_their_checks(project):
    organiser = make_organiser(project.sprint)
    track = TrackFactory(sprint=project.sprint)
    prize = PrizeFactory(sprint=project.sprint, name="First place")
    with pytest.raises(ServiceError, match="not submitted to this track"):
        services.award_grant(actor=organiser, prize=prize, submission=project, track=track)
    project.track = track
    project.save()
    award = services.award_grant(actor=organiser, prize=prize, submission=project, track=track)
    assert award.label == f"First place ({track.name})"
    with pytest.raises(Conflict):
        services.award_grant(actor=organiser, prize=prize, submission=project, track=track)
    with pytest.raises(ServiceError, match="another sprint"):
        services.award_grant(actor=StaffFactory(), prize=PrizeFactory(), submission=project)
    publication = services.project_publish(actor=organiser, submission=project)
    assert publication.award_names == award.label
    services.award_revoke(actor=organiser, award=award)
    publication.refresh_from_db()
    assert publication.award_names == ""


def test_certificates_for_authors_after_release(project):
    author = project.team.lead
    with pytest.raises(Conflict):
        services.certificate_issue(actor=author, sprint=project.sprint)
    organiser = make_organiser(project.sprint)
    services.results_release(actor=organiser, sprint=project.sprint)
    certificate = services.certificate_issue(actor=author, sprint=project.sprint)
    assert certificate.kind == CertificateKind.PARTICIPATION
    services.award_grant(actor=organiser, prize=PrizeFactory(sprint=project.sprint), submission=project)
    again = services.certificate_issue(actor=author, sprint=project.sprint)
    assert again.code == certificate.code and again.kind == CertificateKind.WINNER
    assert Certificate.objects.count() == 1
    with pytest.raises(PermissionDeniedError):
        services.certificate_issue(actor=UserFactory(), sprint=project.sprint)
