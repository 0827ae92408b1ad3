"""The submission pages: submit and see the version, refusals shown with nothing changed, files served safely."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from sprintlab.submissions.models import DeadlineExtension, Submission
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.factories import RegistrationFactory, SprintMembershipFactory, UserFactory
from tests.submissions import factories as f

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Refusal directions",
        "abstract": "We find one direction.",
        "info_hazard": "none",
        "info_hazard_note": "",
        "code_url": "",
        "video_url": "",
        "report": SimpleUploadedFile("our report.pdf", sample_pdf("Refusal"), content_type="application/pdf"),
    }
    data.update(overrides)
    return data


def _mine(sprint):
    return reverse("submissions:mine", kwargs={"slug": sprint.slug})


def test_a_member_submits_and_sees_the_version(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    page = client.get(_mine(team.sprint))
    assert page.status_code == 200 and b"data-countdown" in page.content
    response = client.post(_mine(team.sprint), _form())
    assert response.status_code == 302
    page = client.get(_mine(team.sprint))
    assert b"Version 1" in page.content and b"our report.pdf" in page.content
    assert Submission.objects.get(team=team).title == "Refusal directions"


def test_a_second_save_without_a_file_keeps_the_report(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    client.post(_mine(team.sprint), _form())
    response = client.post(_mine(team.sprint), _form(title="Better title", report=""))
    assert response.status_code == 302
    assert Submission.objects.get(team=team).version_count == 2


def test_a_participant_without_a_team_submits_alone(client):
    sprint = f.running_sprint()
    person = UserFactory()
    RegistrationFactory(sprint=sprint, user=person)
    client.force_login(person)
    assert b"team of one" in client.get(_mine(sprint)).content
    assert client.post(_mine(sprint), _form()).status_code == 302
    assert Submission.objects.get().team.lead == person


def test_after_the_deadline_the_page_says_locked_and_a_post_changes_nothing(client):
    team = f.team_in(f.running_sprint(submission_deadline_at=timezone.now() - timedelta(seconds=1)))
    client.force_login(team.lead)
    assert b"closed" in client.get(_mine(team.sprint)).content
    response = client.post(_mine(team.sprint), _form())
    assert response.status_code == 400 and b"closed" in response.content
    assert not Submission.objects.exists()


def test_a_renamed_png_is_refused_on_the_form(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    fake = SimpleUploadedFile("report.pdf", f.renamed_png(), content_type="application/pdf")
    response = client.post(_mine(team.sprint), _form(report=fake))
    assert response.status_code == 400 and b"not a PDF" in response.content
    assert not Submission.objects.exists()


def test_an_oversize_upload_is_refused_with_the_limit(client, settings):
    settings.UPLOAD_FILE_MAX_BYTES = 50_000
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    big = SimpleUploadedFile("report.pdf", b"%PDF-1.4\n" + b"0" * 300_000, content_type="application/pdf")
    response = client.post(_mine(team.sprint), _form(report=big))
    assert response.status_code == 400 and "larger than 48.8\xa0KB".encode() in response.content
    assert not Submission.objects.exists()


def test_someone_without_a_registration_is_told_why_and_gets_no_form(client):
    team = f.team_in(f.running_sprint())
    client.force_login(UserFactory())
    response = client.get(_mine(team.sprint))
    assert b"confirmed registration" in response.content and b'enctype="multipart/form-data"' not in response.content


# --- Files -----------------------------------------------------------------------------------


def _saved_version(team):
    return f.save(team).version


def test_the_report_downloads_with_safe_headers_for_the_team(client):
    team = f.team_in(f.running_sprint())
    version = _saved_version(team)
    client.force_login(team.lead)
    response = client.get(reverse("submissions:report", kwargs={"slug": team.sprint.slug, "version_id": version.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


@pytest.mark.parametrize("who", ["stranger", "participant", "anonymous"])
def test_the_report_is_refused_to_others(client, who):
    team = f.team_in(f.running_sprint())
    version = _saved_version(team)
    if who != "anonymous":
        person = UserFactory()
        if who == "participant":
            RegistrationFactory(sprint=team.sprint, user=person)
        client.force_login(person)
    response = client.get(reverse("submissions:report", kwargs={"slug": team.sprint.slug, "version_id": version.pk}))
    assert response.status_code == 403


def test_organisers_download_reports_and_appendices(client):
    team = f.team_in(f.running_sprint())
    saved = f.save(team, appendices=[SimpleUploadedFile("page.html", b"<script>alert(1)</script>")])
    organiser = SprintMembershipFactory(sprint=team.sprint).user
    client.force_login(organiser)
    appendix = saved.version.appendices.get()
    response = client.get(
        reverse("submissions:appendix", kwargs={"slug": team.sprint.slug, "appendix_id": appendix.pk})
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_extra_access_rule_lets_others_in(client):
    from sprintlab.submissions.permissions import register_file_access, unregister_file_access

    team = f.team_in(f.running_sprint())
    version = _saved_version(team)
    judge = UserFactory()

    def judges(user, submission):
        return user.pk == judge.pk

    register_file_access(judges)
    try:
        client.force_login(judge)
        url = reverse("submissions:report", kwargs={"slug": team.sprint.slug, "version_id": version.pk})
        assert client.get(url).status_code == 200
    finally:
        unregister_file_access(judges)
    assert client.get(url).status_code == 403


# --- Organisers --------------------------------------------------------------------------------


def test_organisers_list_submissions_with_counts_and_csv(client):
    sprint = f.running_sprint()
    f.save(f.team_in(sprint), title="=HYPERLINK(1)")
    f.team_in(sprint)
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    url = reverse("submissions:list", kwargs={"slug": sprint.slug})
    page = client.get(url)
    assert (
        page.status_code == 200 and page.context["counts"]["submissions"] == 1 and page.context["counts"]["teams"] == 2
    )
    csv = b"".join(client.get(url + "?format=csv").streaming_content).decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in csv


def test_participants_cannot_see_the_list(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    assert client.get(reverse("submissions:list", kwargs={"slug": team.sprint.slug})).status_code == 403


def test_an_organiser_grants_an_extension(client):
    team = f.team_in(f.running_sprint())
    client.force_login(SprintMembershipFactory(sprint=team.sprint).user)
    url = reverse("submissions:extension", kwargs={"slug": team.sprint.slug, "team_id": team.pk})
    assert client.get(url).status_code == 200
    until = timezone.localtime(team.sprint.submission_deadline_at + timedelta(hours=2))
    response = client.post(url, {"until": until.strftime("%Y-%m-%dT%H:%M"), "reason": "Upload failed"})
    assert response.status_code == 302
    assert DeadlineExtension.objects.get(team=team).reason == "Upload failed"


def test_a_team_member_cannot_grant_an_extension(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    url = reverse("submissions:extension", kwargs={"slug": team.sprint.slug, "team_id": team.pk})
    assert client.post(url, {"until": "2099-01-01T00:00"}).status_code == 403


def test_a_lone_surrogate_in_the_title_is_refused_not_stored_as_a_replacement_character(client):
    from tests.helpers import LONE_SURROGATE_BYTES, multipart_with_raw_bytes

    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    body, content_type = multipart_with_raw_bytes(_form(title=None), {"title": b"Steering " + LONE_SURROGATE_BYTES})
    response = client.post(_mine(team.sprint), body, content_type=content_type)
    assert response.status_code == 400
    assert b"title: " in response.content and b"lone surrogate" in response.content
    assert not Submission.objects.exists()


def test_valid_utf8_in_a_multipart_form_is_kept_as_sent(client):
    team = f.team_in(f.running_sprint())
    client.force_login(team.lead)
    assert client.post(_mine(team.sprint), _form(title="Überblick — 注意 🧭 \ufffd")).status_code == 302
    assert Submission.objects.get(team=team).title == "Überblick — 注意 🧭 \ufffd"
