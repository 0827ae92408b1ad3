"""The submissions API: multipart saves, refusals with their statuses, reads and downloads with the pages' rules."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from sprintlab.submissions.models import DeadlineExtension, Submission
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.factories import RegistrationFactory, SprintMembershipFactory, UserFactory
from tests.helpers import bearer_for
from tests.submissions import factories as f

pytestmark = pytest.mark.django_db
URL = "/api/v1/submissions"


def _pdf(data=None, name="report.pdf"):
    return SimpleUploadedFile(name, sample_pdf("API report") if data is None else data, content_type="application/pdf")


def _fields(**overrides):
    values = {"title": "Steering vectors", "abstract": "We steer.", "info_hazard": "none"}
    values.update(overrides)
    return values


def _save(client, sprint, user, **fields):
    return client.post(f"{URL}/sprints/{sprint.slug}/mine", fields, headers=bearer_for(user))


def test_a_member_creates_then_updates_with_multipart(client):
    team = f.team_in(f.running_sprint())
    created = _save(client, team.sprint, team.lead, **_fields(), report=_pdf())
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["version_count"] == 1 and body["authors"] == [team.lead_id] and body["team"] == team.pk
    updated = _save(client, team.sprint, team.lead, **_fields(title="Better"))
    assert updated.status_code == 200 and updated.json()["version_count"] == 2
    versions = client.get(f"{URL}/{body['id']}/versions", headers=bearer_for(team.lead)).json()
    assert [v["number"] for v in versions] == [2, 1] and versions[0]["report_pages"] == 1
    report = client.get(versions[0]["report_url"], headers=bearer_for(team.lead))
    assert report.status_code == 200 and report["X-Content-Type-Options"] == "nosniff"
    assert report["Content-Disposition"].startswith("attachment")
    mine = client.get(f"{URL}/sprints/{team.sprint.slug}/mine", headers=bearer_for(team.lead))
    assert mine.json()["title"] == "Better"


def test_refusals_have_their_statuses_and_change_nothing(client):
    team = f.team_in(f.running_sprint())
    assert _save(client, team.sprint, team.lead, **_fields()).status_code == 400  # no report yet
    not_pdf = _save(client, team.sprint, team.lead, **_fields(), report=_pdf(f.renamed_png()))
    assert not_pdf.status_code == 400 and "not a PDF" in not_pdf.json()["errors"]["report"][0]
    empty = _save(client, team.sprint, team.lead, **_fields(), report=_pdf(b""))
    assert empty.status_code == 400 and "empty" in empty.json()["detail"]
    stranger = _save(client, team.sprint, UserFactory(), **_fields(), report=_pdf())
    assert stranger.status_code == 403
    nul = _save(client, team.sprint, team.lead, **_fields(title="a\x00b"), report=_pdf())
    assert nul.status_code == 400 and "title" in nul.json()["errors"]
    assert client.post(f"{URL}/sprints/{team.sprint.slug}/mine", _fields()).status_code == 401
    assert not Submission.objects.exists()


def test_after_the_deadline_the_api_answers_409(client):
    team = f.team_in(f.running_sprint(submission_deadline_at=timezone.now() - timedelta(seconds=1)))
    late = _save(client, team.sprint, team.lead, **_fields(), report=_pdf())
    assert late.status_code == 409 and "closed" in late.json()["detail"]
    assert not Submission.objects.exists()


def test_an_oversize_file_answers_413(client, settings):
    settings.UPLOAD_FILE_MAX_BYTES = 20_000
    team = f.team_in(f.running_sprint())
    big = _save(client, team.sprint, team.lead, **_fields(), report=_pdf(b"%PDF-1.4\n" + b"0" * 100_000))
    assert big.status_code == 413 and "larger than" in big.json()["detail"]
    assert not Submission.objects.exists()


def test_a_solo_participant_submits_through_the_api(client):
    sprint = f.running_sprint()
    person = UserFactory()
    RegistrationFactory(sprint=sprint, user=person)
    assert _save(client, sprint, person, **_fields(), report=_pdf()).status_code == 201


def test_reads_follow_the_file_rules(client):
    team = f.team_in(f.running_sprint())
    saved = f.save(team, appendices=[SimpleUploadedFile("a.txt", b"data")])
    submission_id = saved.submission.pk
    organiser = SprintMembershipFactory(sprint=team.sprint).user
    participant = UserFactory()
    RegistrationFactory(sprint=team.sprint, user=participant)
    assert client.get(f"{URL}/{submission_id}", headers=bearer_for(organiser)).status_code == 200
    assert client.get(f"{URL}/{submission_id}", headers=bearer_for(participant)).status_code == 404
    appendix = saved.version.appendices.get()
    assert client.get(f"{URL}/appendices/{appendix.pk}", headers=bearer_for(participant)).status_code == 404
    download = client.get(f"{URL}/appendices/{appendix.pk}", headers=bearer_for(organiser))
    assert download.status_code == 200 and download["Content-Type"] == "application/octet-stream"
    assert client.get(f"{URL}/versions/{saved.version.pk}/report", headers=bearer_for(participant)).status_code == 404
    assert client.get(f"{URL}/sprints/{team.sprint.slug}/mine", headers=bearer_for(participant)).status_code == 404


def test_organisers_list_and_extend(client):
    sprint = f.running_sprint()
    team = f.team_in(sprint)
    f.save(team)
    organiser = SprintMembershipFactory(sprint=sprint).user
    listed = client.get(f"{URL}/sprints/{sprint.slug}", headers=bearer_for(organiser))
    assert listed.status_code == 200 and listed.json()["count"] == 1
    assert client.get(f"{URL}/sprints/{sprint.slug}", headers=bearer_for(team.lead)).status_code == 403
    until = (sprint.submission_deadline_at + timedelta(hours=3)).isoformat()
    url = f"{URL}/sprints/{sprint.slug}/teams/{team.pk}/extension"
    granted = client.put(url, {"until": until, "reason": "Power cut"}, content_type="application/json",
                         headers=bearer_for(organiser))  # fmt: skip
    assert granted.status_code == 200, granted.json()
    assert DeadlineExtension.objects.get(team=team).reason == "Power cut"
    refused = client.put(url, {"until": until}, content_type="application/json", headers=bearer_for(team.lead))
    assert refused.status_code == 403
    too_early = client.put(url, {"until": sprint.kickoff_at.isoformat()}, content_type="application/json",
                           headers=bearer_for(organiser))  # fmt: skip
    assert too_early.status_code == 400 and "until" in too_early.json()["errors"]


def test_a_lone_surrogate_in_a_multipart_field_is_refused_with_400_naming_it(client):
    from tests.helpers import LONE_SURROGATE_BYTES, multipart_with_raw_bytes

    team = f.team_in(f.running_sprint())
    body, content_type = multipart_with_raw_bytes(
        {"abstract": "We steer.", "info_hazard": "none", "report": _pdf()}, {"title": LONE_SURROGATE_BYTES}
    )
    response = client.post(
        f"{URL}/sprints/{team.sprint.slug}/mine", body, content_type=content_type, headers=bearer_for(team.lead)
    )
    assert response.status_code == 400, response.content
    assert "lone surrogate" in response.json()["errors"]["title"][0] and "title" in response.json()["detail"]
    assert not Submission.objects.exists()


def test_a_file_name_that_is_not_utf8_never_reaches_storage(client):
    """Django drops the part (its header cannot be read): the save is refused for the missing report."""
    from tests.helpers import LONE_SURROGATE_BYTES, multipart_with_raw_bytes

    team = f.team_in(f.running_sprint())
    body, content_type = multipart_with_raw_bytes(_fields(report=_pdf(name="NAME.pdf")), {})
    body = body.replace(b'filename="NAME.pdf"', b'filename="' + LONE_SURROGATE_BYTES + b'.pdf"')
    response = client.post(
        f"{URL}/sprints/{team.sprint.slug}/mine", body, content_type=content_type, headers=bearer_for(team.lead)
    )
    assert response.status_code == 400, response.content
    assert "Attach your report" in response.json()["errors"]["report"][0]
    assert not Submission.objects.exists()
