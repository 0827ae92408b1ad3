"""Certificates for everyone who took part, issued once when results are published, the same code on
every download; the results notification; the verification page; who may download what."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sprintlab.library import notify, selectors, services
from sprintlab.library.models import Certificate, CertificateKind
from sprintlab.notifications.models import InboxItem, NotificationKind, NotificationPreference, OutboxMessage
from sprintlab.registrations.models import RegistrationStatus
from tests.factories import LocalSiteFactory, RegistrationFactory, StaffFactory, UserFactory
from tests.helpers import bearer_for
from tests.library.factories import PrizeFactory, ProjectFactory, make_organiser
from tests.teams.factories import add_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def sprint_world():
    """A finished sprint: a project (lead = author, plus a member who is not an author), and registrants
    of every kind."""
    project = ProjectFactory()
    sprint = project.sprint
    member = add_member(project.team)  # joined after the version was saved: on the team, not an author
    site = LocalSiteFactory(sprint=sprint)
    people = {
        "author": project.team.lead,
        "member": member,
        "remote": RegistrationFactory(sprint=sprint).user,
        "checked_in": RegistrationFactory(sprint=sprint, site=site, checked_in_at=timezone.now()).user,
        "absent": RegistrationFactory(sprint=sprint, site=site).user,
        "waitlisted": RegistrationFactory(sprint=sprint, status=RegistrationStatus.WAITLISTED).user,
        "cancelled": RegistrationFactory(sprint=sprint, status=RegistrationStatus.CANCELLED).user,
        "stranger": UserFactory(),
    }
    return {"sprint": sprint, "project": project, "organiser": make_organiser(sprint), **people}


def _release(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.results_release(actor=world["organiser"], sprint=world["sprint"])


# --- Who took part ------------------------------------------------------------------------------


def test_who_took_part(sprint_world):
    people = selectors.participants_of(sprint_world["sprint"])
    project = sprint_world["project"].pk
    expected = {
        sprint_world["author"].pk: project,
        sprint_world["member"].pk: project,
        sprint_world["remote"].pk: None,
        sprint_world["checked_in"].pk: None,
    }
    assert people == expected
    for name in ("absent", "waitlisted", "cancelled", "stranger"):
        assert selectors.participation(sprint_world[name], sprint_world["sprint"]) is None
    assert selectors.participation(sprint_world["member"], sprint_world["sprint"]).submission.pk == project
    assert selectors.participation(sprint_world["remote"], sprint_world["sprint"]).submission is None


# --- Issued once, for everyone, when results are published ----------------------------------------


def test_publishing_results_issues_every_certificate_once_and_the_codes_never_change(
    sprint_world, django_capture_on_commit_callbacks
):
    prize = PrizeFactory(sprint=sprint_world["sprint"], name="Best paper")
    services.award_grant(actor=sprint_world["organiser"], prize=prize, submission=sprint_world["project"])
    _release(sprint_world, django_capture_on_commit_callbacks)
    certificates = {c.user_id: c for c in Certificate.objects.filter(sprint=sprint_world["sprint"])}
    assert set(certificates) == set(selectors.participants_of(sprint_world["sprint"]))
    author = certificates[sprint_world["author"].pk]
    assert (author.kind, author.award_names) == (CertificateKind.WINNER, "Best paper")
    assert certificates[sprint_world["member"].pk].kind == CertificateKind.WINNER
    assert certificates[sprint_world["remote"].pk].kind == CertificateKind.PARTICIPATION
    assert certificates[sprint_world["remote"].pk].project_title == ""
    codes = {user_id: c.code for user_id, c in certificates.items()}
    # Again (a retried task), then a download: the same rows, the same codes.
    notify.results_announce(sprint_id=sprint_world["sprint"].pk)
    client = Client()
    client.force_login(sprint_world["remote"])
    first = client.get(reverse("library:certificate", kwargs={"slug": sprint_world["sprint"].slug}))
    second = client.get(reverse("library:certificate", kwargs={"slug": sprint_world["sprint"].slug}))
    assert first["Content-Disposition"] == second["Content-Disposition"]
    assert codes[sprint_world["remote"].pk] in first["Content-Disposition"]
    assert first.content.startswith(b"%PDF-")
    assert dict(Certificate.objects.values_list("user_id", "code")) == codes


def test_a_prize_given_after_the_release_shows_on_the_certificates(sprint_world, django_capture_on_commit_callbacks):
    _release(sprint_world, django_capture_on_commit_callbacks)
    prize = PrizeFactory(sprint=sprint_world["sprint"], name="Audience prize")
    award = services.award_grant(actor=sprint_world["organiser"], prize=prize, submission=sprint_world["project"])
    certificate = Certificate.objects.get(user=sprint_world["member"])
    assert (certificate.kind, certificate.award_names) == (CertificateKind.WINNER, "Audience prize")
    services.award_revoke(actor=sprint_world["organiser"], award=award)
    certificate.refresh_from_db()
    assert (certificate.kind, certificate.award_names) == (CertificateKind.PARTICIPATION, "")


def _announce_queries(count: int) -> int:
    project = ProjectFactory()
    sprint = project.sprint
    for _index in range(count):
        add_member(project.team)
        RegistrationFactory(sprint=sprint)
    services.results_release(actor=make_organiser(sprint), sprint=sprint)
    with CaptureQueriesContext(connection) as queries:
        notify.results_announce(sprint_id=sprint.pk)
    assert InboxItem.objects.filter(key__startswith=f"results-team:{sprint.pk}:").count() == count + 1
    assert InboxItem.objects.filter(key__startswith=f"results:{sprint.pk}:").count() == count
    return len(queries)


def test_certificates_and_notifications_cost_the_same_queries_for_5_or_40_people():
    assert _announce_queries(5) == _announce_queries(40)


# --- The notification ------------------------------------------------------------------------------


def test_publishing_results_only_queues_a_task(sprint_world):
    services.results_release(actor=sprint_world["organiser"], sprint=sprint_world["sprint"])
    # Without the commit nothing ran: the request neither issued nor sent anything.
    assert not Certificate.objects.exists() and not OutboxMessage.objects.exists()


def test_every_participant_is_told_and_the_team_is_sent_to_its_feedback(
    sprint_world, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=sprint_world["remote"], kind=NotificationKind.ANNOUNCEMENT, email=False)
    _release(sprint_world, django_capture_on_commit_callbacks)
    sprint = sprint_world["sprint"]
    told = set(InboxItem.objects.filter(kind=NotificationKind.ANNOUNCEMENT).values_list("user_id", flat=True))
    assert told == set(selectors.participants_of(sprint))
    emailed = set(OutboxMessage.objects.values_list("user_id", flat=True))
    assert emailed == told - {sprint_world["remote"].pk}  # switched announcement emails off
    feedback = reverse("library:my_feedback", kwargs={"slug": sprint.slug})
    results = reverse("library:results", kwargs={"slug": sprint.slug})
    assert InboxItem.objects.get(user=sprint_world["member"]).url == feedback
    assert InboxItem.objects.get(user=sprint_world["checked_in"]).url == results
    team_email = OutboxMessage.objects.get(user=sprint_world["author"])
    assert feedback in team_email.body_text and team_email.kind == NotificationKind.ANNOUNCEMENT
    assert results in OutboxMessage.objects.get(user=sprint_world["checked_in"]).body_text
    notify.results_announce(sprint_id=sprint.pk)  # a retried task reaches nobody twice
    assert InboxItem.objects.count() == len(told)


def test_the_feedback_link_leads_each_person_to_their_page(sprint_world, django_capture_on_commit_callbacks):
    _release(sprint_world, django_capture_on_commit_callbacks)
    url = reverse("library:my_feedback", kwargs={"slug": sprint_world["sprint"].slug})
    client = Client()
    client.force_login(sprint_world["member"])
    page = client.get(url)
    assert page.status_code == 200 and page.context["submission"] == sprint_world["project"]
    client.force_login(sprint_world["remote"])
    assert client.get(url)["Location"] == reverse("library:results", kwargs={"slug": sprint_world["sprint"].slug})


# --- Where people find it -------------------------------------------------------------------------


def test_my_sprints_and_the_sprint_page_link_the_certificate(sprint_world, django_capture_on_commit_callbacks):
    sprint = sprint_world["sprint"]
    link = reverse("library:certificate", kwargs={"slug": sprint.slug}).encode()
    client = Client()
    client.force_login(sprint_world["remote"])
    assert link not in client.get(reverse("registrations:mine")).content  # not before the results
    _release(sprint_world, django_capture_on_commit_callbacks)
    assert link in client.get(reverse("registrations:mine")).content
    assert link in client.get(sprint.get_absolute_url()).content
    client.force_login(sprint_world["absent"])
    assert link not in client.get(reverse("registrations:mine")).content
    assert link not in client.get(sprint.get_absolute_url()).content


def test_the_api_lists_my_certificates_with_download_urls(client, sprint_world, django_capture_on_commit_callbacks):
    _release(sprint_world, django_capture_on_commit_callbacks)
    headers = bearer_for(sprint_world["author"])
    listed = client.get("/api/v1/me/certificates", headers=headers)
    assert listed.status_code == 200
    [entry] = listed.json()
    certificate = Certificate.objects.get(user=sprint_world["author"])
    assert entry["code"] == certificate.code and entry["sprint"] == sprint_world["sprint"].slug
    assert entry["verify_url"].endswith(f"/certificates/{certificate.code}/")
    pdf = client.get(entry["download_url"], headers=headers)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert certificate.code in pdf["Content-Disposition"]
    assert client.get("/api/v1/me/certificates", headers=bearer_for(sprint_world["absent"])).json() == []
    assert client.get("/api/v1/me/certificates").status_code == 401


# --- Who may download ------------------------------------------------------------------------------

ROLES = ("owner", "other_participant", "anonymous", "organiser", "staff")


@pytest.fixture
def released(sprint_world, django_capture_on_commit_callbacks):
    _release(sprint_world, django_capture_on_commit_callbacks)
    roles = {
        "owner": sprint_world["remote"],
        "other_participant": sprint_world["checked_in"],
        "anonymous": AnonymousUser(),
        "organiser": sprint_world["organiser"],
        "staff": StaffFactory(),
    }
    return sprint_world["sprint"], roles


@pytest.mark.parametrize("role", ROLES)
def test_downloading_the_owners_certificate(client, released, role):
    """Each person downloads only their own: another participant gets theirs, never the owner's code;
    organisers and staff, who did not take part, get none; the anonymous are sent to sign in (401)."""
    sprint, roles = released
    person = roles[role]
    owner_code = Certificate.objects.get(user=roles["owner"], sprint=sprint).code
    if person.is_authenticated:
        client.force_login(person)
    page = client.get(reverse("library:certificate", kwargs={"slug": sprint.slug}))
    api_headers = bearer_for(person) if person.is_authenticated else {}
    api = Client().get(f"/api/v1/me/certificates/{sprint.slug}/pdf", headers=api_headers)
    expected_page = {"owner": 200, "other_participant": 200, "anonymous": 302, "organiser": 403, "staff": 403}
    expected_api = {"owner": 200, "other_participant": 200, "anonymous": 401, "organiser": 403, "staff": 403}
    assert page.status_code == expected_page[role]
    assert api.status_code == expected_api[role]
    gets_owners = role == "owner"
    for response in (page, api):
        assert (owner_code in response.get("Content-Disposition", "")) is gets_owners
    if role == "other_participant":
        assert Certificate.objects.get(user=person, sprint=sprint).code in page["Content-Disposition"]


@pytest.mark.parametrize("role", ROLES)
def test_anyone_checks_a_certificate(client, released, role):
    sprint, roles = released
    certificate = Certificate.objects.get(user=roles["owner"], sprint=sprint)
    if roles[role].is_authenticated:
        client.force_login(roles[role])
    page = client.get(reverse("library:verify", kwargs={"code": certificate.code.lower()}))
    assert page.status_code == 200
    html = page.content.decode()
    assert "This certificate is genuine." in html and certificate.holder_name in html and sprint.title in html
    assert "Participation" in html


def test_the_check_names_the_prize_and_refuses_an_unknown_code(
    client, sprint_world, django_capture_on_commit_callbacks
):
    prize = PrizeFactory(sprint=sprint_world["sprint"], name="Best paper")
    services.award_grant(actor=sprint_world["organiser"], prize=prize, submission=sprint_world["project"])
    _release(sprint_world, django_capture_on_commit_callbacks)
    certificate = Certificate.objects.get(user=sprint_world["author"])
    html = client.get(reverse("library:verify", kwargs={"code": certificate.code})).content.decode()
    assert "Winner" in html and "Best paper" in html and "genuine" in html
    unknown = client.get(reverse("library:verify", kwargs={"code": "ZZZZ2222ZZZZ"}))
    assert unknown.status_code == 404
    assert "No certificate has this code." in unknown.content.decode()
    assert "This certificate is genuine." not in unknown.content.decode()
    assert client.get("/api/v1/certificates/ZZZZ2222ZZZZ").status_code == 404
