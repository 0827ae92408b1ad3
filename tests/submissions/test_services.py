"""Saving versions, the deadline lock, extensions, solo submitters, and files never left behind."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sprintlab.core.audit import AuditEntry
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.submissions import services
from sprintlab.submissions.models import Submission, SubmissionVersion, private_storage
from sprintlab.teams.models import TeamMember
from tests.factories import RegistrationFactory, SprintMembershipFactory, UserFactory
from tests.submissions import factories as f
from tests.teams.factories import TrackFactory, add_member

pytestmark = pytest.mark.django_db


def _stored_reports() -> set[str]:
    try:
        return set(private_storage().listdir("submissions/reports")[1])
    except FileNotFoundError:
        return set()


def test_a_first_save_creates_the_submission_its_version_and_authors():
    team = f.team_in(f.running_sprint())
    second = add_member(team)
    track = TrackFactory(sprint=team.sprint)
    saved = f.save(team, track=track, code_url="https://github.com/x/y", info_hazard="possible",
                   info_hazard_note="Could speed up jailbreaks.")  # fmt: skip
    submission = saved.submission
    assert saved.created and submission.version_count == 1 and submission.track == track
    assert list(submission.author_rows.values_list("user_id", flat=True)) == [team.lead_id, second.pk]
    version = saved.version
    assert version.number == 1 and version.report_pages == 2 and version.report_name == "report.pdf"
    assert version.report.name.startswith("submissions/reports/") and version.report.name != "report.pdf"
    assert AuditEntry.objects.filter(action="submission.save").count() == 1


def test_the_text_and_thumbnail_are_made_after_commit(django_capture_on_commit_callbacks):
    team = f.team_in(f.running_sprint())
    with django_capture_on_commit_callbacks(execute=True):
        saved = f.save(team)
    version = SubmissionVersion.objects.get(pk=saved.version.pk)
    assert "refusal direction" in version.report_text and version.processed_at
    assert version.thumbnail.name.endswith(".png")
    assert "refusal direction" in Submission.objects.get(pk=saved.submission.pk).report_text


def test_every_save_is_kept_and_the_last_counts():
    team = f.team_in(f.running_sprint())
    f.save(team, title="First")
    saved = f.save(team, title="Second", report=f.pdf_upload(pages=4))
    submission = Submission.objects.get(team=team)
    assert submission.title == "Second" and submission.version_count == 2
    assert list(submission.versions.values_list("number", "title")) == [(2, "Second"), (1, "First")]
    assert saved.version.report_pages == 4 and not saved.created


def test_a_save_one_second_after_the_deadline_is_refused_and_changes_nothing():
    sprint = f.running_sprint(submission_deadline_at=timezone.now() - timedelta(seconds=1))
    team = f.team_in(sprint)
    before = _stored_reports()
    with pytest.raises(Conflict, match="closed"):
        f.save(team)
    assert not Submission.objects.exists() and _stored_reports() == before


def test_the_grace_period_keeps_submissions_open():
    sprint = f.running_sprint(submission_deadline_at=timezone.now() - timedelta(minutes=5), submission_grace_minutes=10)
    assert f.save(f.team_in(sprint)).version.number == 1


def test_an_extension_opens_one_team_only():
    sprint = f.running_sprint(submission_deadline_at=timezone.now() - timedelta(minutes=5))
    late, other = f.team_in(sprint), f.team_in(sprint)
    organiser = SprintMembershipFactory(sprint=sprint).user
    services.submission_extension_grant(actor=organiser, team=late, until=timezone.now() + timedelta(hours=1))
    assert f.save(late).submission.extended_until is not None
    with pytest.raises(Conflict):
        f.save(other)


def test_only_organisers_grant_extensions_and_only_after_the_deadline():
    sprint = f.running_sprint()
    team = f.team_in(sprint)
    with pytest.raises(PermissionDeniedError):
        services.submission_extension_grant(
            actor=team.lead, team=team, until=sprint.submission_deadline_at + timedelta(hours=1)
        )
    organiser = SprintMembershipFactory(sprint=sprint).user
    with pytest.raises(ServiceError) as caught:
        services.submission_extension_grant(actor=organiser, team=team, until=sprint.submission_deadline_at)
    assert "until" in caught.value.message_dict


def test_an_extension_can_be_taken_back():
    sprint = f.running_sprint()
    team = f.team_in(sprint)
    organiser = SprintMembershipFactory(sprint=sprint).user
    services.submission_extension_grant(
        actor=organiser, team=team, until=sprint.submission_deadline_at + timedelta(hours=1)
    )
    f.save(team)
    services.submission_extension_grant(actor=organiser, team=team, until=None)
    assert Submission.objects.get(team=team).extended_until is None


def test_someone_outside_the_team_cannot_save_it():
    team = f.team_in(f.running_sprint())
    with pytest.raises(PermissionDeniedError):
        f.save(team, actor=UserFactory())


def test_before_kickoff_nobody_submits():
    team = f.team_in(f.running_sprint(kickoff_at=timezone.now() + timedelta(hours=1),
                                      submission_deadline_at=timezone.now() + timedelta(days=2)))  # fmt: skip
    with pytest.raises(Conflict, match="kickoff"):
        f.save(team)


def test_a_solo_participant_becomes_a_team_of_one_after_teams_closed():
    sprint = f.running_sprint()
    person = UserFactory(display_name="Ada Lovelace")
    RegistrationFactory(sprint=sprint, user=person)
    saved = services.submission_save(actor=person, sprint=sprint, team=None, title="Alone", abstract="Solo work.",
                                     report=f.pdf_upload())  # fmt: skip
    team = saved.submission.team
    assert team.name == "Ada Lovelace" and team.lead == person
    assert list(TeamMember.objects.filter(team=team).values_list("user_id", flat=True)) == [person.pk]


def test_someone_without_a_registration_cannot_submit_alone():
    sprint = f.running_sprint()
    with pytest.raises(PermissionDeniedError):
        services.submission_save(actor=UserFactory(), sprint=sprint, team=None, title="x", abstract="y",
                                 report=f.pdf_upload())  # fmt: skip
    assert not Submission.objects.exists()


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"title": "  "}, "title"),
        ({"abstract": ""}, "abstract"),
        ({"title": "x" * 201}, "title"),
        ({"title": "bad\x00"}, "title"),
        ({"code_url": "javascript:alert(1)"}, "code_url"),
        ({"video_url": "not a url"}, "video_url"),
        ({"info_hazard": "maybe"}, "info_hazard"),
        ({"info_hazard": "yes", "info_hazard_note": ""}, "info_hazard_note"),
        ({"report": None}, "report"),
    ],
)
def test_bad_fields_are_refused_per_field_and_nothing_is_stored(values, field):
    team = f.team_in(f.running_sprint())
    before = _stored_reports()
    with pytest.raises(ServiceError) as caught:
        f.save(team, **values)
    assert field in caught.value.message_dict
    assert not Submission.objects.exists() and _stored_reports() == before


@pytest.mark.parametrize("bad", [f.renamed_png, f.truncated_pdf, f.encrypted_pdf, f.no_pages_pdf, lambda: b""])
def test_bad_reports_are_refused_and_nothing_is_stored(bad):
    team = f.team_in(f.running_sprint())
    before = _stored_reports()
    with pytest.raises(ServiceError) as caught:
        f.save(team, report=f.pdf_upload(data=bad()))
    assert "report" in caught.value.message_dict
    assert not Submission.objects.exists() and _stored_reports() == before


def test_a_foreign_track_is_refused():
    team = f.team_in(f.running_sprint())
    with pytest.raises(ServiceError) as caught:
        f.save(team, track=TrackFactory())
    assert "track" in caught.value.message_dict


def test_appendices_are_kept_with_their_version():
    from django.core.files.uploadedfile import SimpleUploadedFile

    team = f.team_in(f.running_sprint())
    saved = f.save(team, appendices=[SimpleUploadedFile("data.csv", b"a,b\n1,2\n")])
    appendix = saved.version.appendices.get()
    assert appendix.name == "data.csv" and appendix.size == 8 and appendix.file.name.endswith(".bin")


def test_a_failure_inside_the_transaction_deletes_the_stored_files(monkeypatch):
    team = f.team_in(f.running_sprint())
    before = _stored_reports()

    def explode(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_audit", explode)
    with pytest.raises(RuntimeError):
        f.save(team)
    assert _stored_reports() == before and not Submission.objects.exists()


def test_the_sweep_deletes_only_old_files_nobody_names(monkeypatch, tmp_path):
    from django.core.files.storage import FileSystemStorage

    storage = FileSystemStorage(location=tmp_path)  # not the folder other test processes share
    monkeypatch.setattr(services, "private_storage", lambda: storage)
    team = f.team_in(f.running_sprint())
    kept = f.save(team).version.report.name
    orphan = storage.save("submissions/reports/orphan-test.pdf", f.pdf_upload())
    assert services.orphaned_files_sweep(older_than=timedelta(hours=1)) == 0
    assert services.orphaned_files_sweep(older_than=timedelta(seconds=-1)) >= 1
    assert storage.exists(kept) and not storage.exists(orphan)


def test_a_save_without_a_new_report_keeps_the_latest_files():
    from django.core.files.uploadedfile import SimpleUploadedFile

    team = f.team_in(f.running_sprint())
    first = f.save(team, appendices=[SimpleUploadedFile("data.csv", b"a,b\n")]).version
    second = f.save(team, title="Typo fixed", report=None).version
    assert second.number == 2 and second.report.name == first.report.name and second.report_pages == first.report_pages
    assert [a.file.name for a in second.appendices.all()] == [a.file.name for a in first.appendices.all()]
