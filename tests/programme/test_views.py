from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.programme.models import AgendaItem, Resource, Session, SessionKind
from sprintlab.sprints.models import SprintRole
from tests.factories import (
    LocalSiteFactory,
    PastSprintFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)
from tests.helpers import count_queries
from tests.programme.factories import ResourceFactory, SessionFactory, SpeakerFactory

pytestmark = pytest.mark.django_db


def running_sprint():
    """A sprint that kicked off two hours ago: one session runs now, one starts next."""
    now = timezone.now()
    sprint = SprintFactory(registration_opens_at=now - timedelta(days=10), kickoff_at=now - timedelta(hours=2))
    live = SessionFactory(
        sprint=sprint, title="Live talk", starts_at=now - timedelta(minutes=30), ends_at=now + timedelta(minutes=30)
    )
    upcoming = SessionFactory(
        sprint=sprint, title="Next talk", starts_at=now + timedelta(hours=1), ends_at=now + timedelta(hours=2)
    )
    SessionFactory(
        sprint=sprint, title="Later talk", starts_at=now + timedelta(hours=3), ends_at=now + timedelta(hours=4)
    )
    return sprint, live, upcoming


def test_the_schedule_marks_now_and_next_and_shows_speakers(client):
    sprint, live, upcoming = running_sprint()
    live.speaker_links.create(
        speaker=SpeakerFactory(sprint=sprint, name="Chris Olah", affiliation="Anthropic", bio="Circuits."), position=0
    )
    html = client.get(reverse("programme:schedule", kwargs={"slug": sprint.slug})).content.decode()
    assert f'id="session-{live.pk}"' in html
    live_block = html.split(f'id="session-{live.pk}"')[1].split("</li>")[0]
    assert 'data-marker="now"' in live_block
    next_block = html.split(f'id="session-{upcoming.pk}"')[1].split("</li>")[0]
    assert 'data-marker="next"' in next_block
    assert "Chris Olah" in html and "Anthropic" in html and "Circuits." in html
    assert 'hx-trigger="every 60s"' in html
    assert "<time" in html


def test_markers_stay_away_before_the_weekend(client):
    sprint = SprintFactory()
    SessionFactory(sprint=sprint)
    html = client.get(reverse("programme:schedule", kwargs={"slug": sprint.slug})).content.decode()
    assert "data-marker" not in html


def test_the_polled_part_answers_alone(client):
    sprint, _live, _upcoming = running_sprint()
    response = client.get(
        reverse("programme:schedule", kwargs={"slug": sprint.slug}),
        headers={"HX-Request": "true", "HX-Target": "schedule-days"},
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="schedule-days"') and "<html" not in html


def test_filters_by_kind_and_place(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    SessionFactory(sprint=sprint, title="Online keynote", kind=SessionKind.KEYNOTE)
    SessionFactory(sprint=sprint, title="Site stand-up", kind=SessionKind.CHECK_IN, site=site, online_url="")
    url = reverse("programme:schedule", kwargs={"slug": sprint.slug})
    html = client.get(url, {"kind": "keynote"}).content.decode()
    assert "Online keynote" in html and "Site stand-up" not in html
    html = client.get(url, {"place": "online"}).content.decode()
    assert "Online keynote" in html and "Site stand-up" not in html
    participant = RegistrationFactory(sprint=sprint, site=site).user
    client.force_login(participant)
    html = client.get(url, {"place": "mine"}).content.decode()
    assert "Online keynote" in html and "Site stand-up" in html
    assert client.get(url, {"kind": "nonsense"}).status_code == 200


def test_the_schedule_takes_a_few_queries_whatever_its_size(client):
    sprint = SprintFactory()
    participant = RegistrationFactory(sprint=sprint).user
    client.force_login(participant)
    url = reverse("programme:schedule", kwargs={"slug": sprint.slug})

    def add(count):
        for _ in range(count):
            session = SessionFactory(sprint=sprint, site=LocalSiteFactory(sprint=sprint))
            session.speaker_links.create(speaker=SpeakerFactory(sprint=sprint), position=0)

    add(2)
    count_queries(client, url)  # the first request also fills the session's caches
    small = count_queries(client, url)
    add(20)
    assert count_queries(client, url) == small


def test_a_participant_stars_a_session_with_htmx(client):
    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint).user
    client.force_login(participant)
    html = client.get(reverse("programme:schedule", kwargs={"slug": sprint.slug})).content.decode()
    assert "Add to agenda" in html
    url = reverse("programme:agenda_toggle", kwargs={"slug": sprint.slug, "pk": session.pk})
    response = client.post(url, {"action": "add"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "In my agenda" in response.content.decode()
    assert AgendaItem.objects.filter(user=participant, session=session).exists()
    response = client.post(url, {"action": "remove"}, headers={"HX-Request": "true"})
    assert "Add to agenda" in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_visitors_see_no_star_and_strangers_are_refused(client):
    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint)
    assert (
        "Add to agenda" not in client.get(reverse("programme:schedule", kwargs={"slug": sprint.slug})).content.decode()
    )
    client.force_login(UserFactory())
    response = client.post(
        reverse("programme:agenda_toggle", kwargs={"slug": sprint.slug, "pk": session.pk}),
        {"action": "add"},
        headers={"HX-Request": "true"},
    )
    # htmx swaps the fragment (it would ignore a 4xx), so the refusal shows where the button was.
    html = response.content.decode()
    assert response.status_code == 200 and f'id="star-{session.pk}"' in html
    assert 'role="status"' in html and "Register for this sprint to keep an agenda of its sessions." in html
    assert "Add to agenda" not in html
    assert not AgendaItem.objects.exists()


def test_a_refused_star_of_a_session_that_just_ended_says_so_in_place(client):
    from datetime import timedelta

    from django.utils import timezone

    sprint = SprintFactory()
    session = SessionFactory(sprint=sprint)
    client.force_login(RegistrationFactory(sprint=sprint).user)
    session.starts_at = timezone.now() - timedelta(hours=2)
    session.ends_at = timezone.now() - timedelta(minutes=1)
    session.save()
    url = reverse("programme:agenda_toggle", kwargs={"slug": sprint.slug, "pk": session.pk})
    html = client.post(url, {"action": "add"}, headers={"HX-Request": "true"}).content.decode()
    assert "This session is over." in html and "Add to agenda" not in html
    # Without htmx the refusal is a message on the schedule, as before.
    response = client.post(url, {"action": "add"}, follow=True)
    assert "This session is over." in response.content.decode()
    assert not AgendaItem.objects.exists()


def test_the_agenda_holds_starred_everyone_and_own_site_sessions(client):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    participant = RegistrationFactory(sprint=sprint, site=site).user
    starred = SessionFactory(sprint=sprint, title="Starred talk")
    AgendaItem.objects.create(user=participant, session=starred)
    SessionFactory(sprint=sprint, title="Opening kickoff", kind=SessionKind.KICKOFF)
    SessionFactory(sprint=sprint, title="Local stand-up", site=site, online_url="")
    SessionFactory(sprint=sprint, title="Unstarred talk")
    client.force_login(participant)
    for url in (reverse("programme:agenda", kwargs={"slug": sprint.slug}), reverse("programme:my_agenda")):
        html = client.get(url).content.decode()
        assert "Starred talk" in html and "Opening kickoff" in html and "Local stand-up" in html
        assert "Unstarred talk" not in html


def test_resources_are_grouped_in_category_order_with_safe_markdown(client):
    sprint = SprintFactory()
    ResourceFactory(sprint=sprint, category="datasets", title="TruthfulQA")
    ResourceFactory(
        sprint=sprint, category="reading", title="Toy models", notes="Read **section 3**. <script>alert(1)</script>"
    )
    html = client.get(reverse("programme:resources", kwargs={"slug": sprint.slug})).content.decode()
    assert html.index("Reading list") < html.index("Datasets")
    assert "<strong>section 3</strong>" in html
    assert "<script>alert" not in html


def test_the_calendar_page_shows_both_addresses_and_reset_changes_them(client):
    user = UserFactory()
    client.force_login(user)
    html = client.get(reverse("programme:calendar")).content.decode()
    token = user.calendar_feed.token
    assert f"webcal://testserver/calendar/{token}.ics" in html
    assert f"http://testserver/calendar/{token}.ics" in html
    client.post(reverse("programme:calendar_reset"))
    user.calendar_feed.refresh_from_db()
    assert user.calendar_feed.token != token
    assert client.get(f"/calendar/{token}.ics").status_code == 404


def session_form(sprint, **overrides):
    starts = timezone.localtime(sprint.kickoff_at + timedelta(hours=1))
    data = {
        "kind": "talk",
        "title": "Reading circuits",
        "description": "",
        "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "online_url": "https://meet.example.org/circuits",
        "site": "",
    }
    return {**data, **overrides}


def test_an_organiser_adds_and_moves_a_session_through_the_forms(client):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    client.force_login(organiser)
    response = client.post(reverse("programme:session_create", kwargs={"slug": sprint.slug}), session_form(sprint))
    assert response.status_code == 302
    session = Session.objects.get()
    later = timezone.localtime(session.starts_at + timedelta(hours=2))
    response = client.post(
        reverse("programme:session_edit", kwargs={"slug": sprint.slug, "pk": session.pk}),
        session_form(
            sprint,
            starts_at=later.strftime("%Y-%m-%dT%H:%M"),
            ends_at=(later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        ),
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1
    client.post(reverse("programme:session_cancel", kwargs={"slug": sprint.slug, "pk": session.pk}))
    session.refresh_from_db()
    assert session.is_cancelled


def test_a_bad_session_form_shows_errors(client):
    sprint = SprintFactory()
    client.force_login(SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user)
    response = client.post(
        reverse("programme:session_create", kwargs={"slug": sprint.slug}), session_form(sprint, online_url="")
    )
    assert response.status_code == 400
    assert "Give an online link, a site, or both." in response.content.decode()
    assert not Session.objects.exists()


def test_site_organisers_see_only_their_sites_in_the_form(client):
    sprint = SprintFactory()
    mine, other = LocalSiteFactory(sprint=sprint, name="My venue"), LocalSiteFactory(sprint=sprint, name="Their venue")
    client.force_login(SiteOrganiserFactory(site=mine).user)
    html = client.get(reverse("programme:session_create", kwargs={"slug": sprint.slug})).content.decode()
    assert "My venue" in html and "Their venue" not in html
    response = client.post(
        reverse("programme:session_create", kwargs={"slug": sprint.slug}), session_form(sprint, site=str(other.pk))
    )
    assert response.status_code == 400 and not Session.objects.exists()


def test_strangers_cannot_open_the_management_pages(client):
    sprint = SprintFactory()
    client.force_login(UserFactory())
    for name in ("manage_sessions", "session_create", "speakers", "manage_resources"):
        assert client.get(reverse(f"programme:{name}", kwargs={"slug": sprint.slug})).status_code == 403, name
    draft = SprintFactory(is_published=False)
    assert client.get(reverse("programme:manage_sessions", kwargs={"slug": draft.slug})).status_code == 404
    assert client.get(reverse("programme:schedule", kwargs={"slug": draft.slug})).status_code == 404


def test_organisers_curate_and_copy_resources_through_the_pages(client):
    sprint = SprintFactory()
    past = PastSprintFactory()
    ResourceFactory(sprint=past, title="Past reading")
    client.force_login(SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user)
    page = reverse("programme:manage_resources", kwargs={"slug": sprint.slug})
    assert past.title in client.get(page).content.decode()
    response = client.post(
        page, {"category": "notebooks", "title": "Starter notebook", "url": "https://colab.example.org/x", "notes": ""}
    )
    assert response.status_code == 302
    response = client.post(
        reverse("programme:resources_copy", kwargs={"slug": sprint.slug}), {"source_sprint": past.pk}
    )
    assert response.status_code == 302
    assert set(Resource.objects.filter(sprint=sprint).values_list("title", flat=True)) == {
        "Starter notebook",
        "Past reading",
    }
    notebook = Resource.objects.get(sprint=sprint, title="Starter notebook")
    client.post(reverse("programme:resource_delete", kwargs={"slug": sprint.slug, "pk": notebook.pk}))
    assert not Resource.objects.filter(pk=notebook.pk).exists()
