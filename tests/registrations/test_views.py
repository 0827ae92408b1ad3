import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.registrations.helpers import register

pytestmark = pytest.mark.django_db
S = RegistrationStatus


def form_data(**overrides):
    data = {
        "place": "remote",
        "experience_level": "some",
        "accepted_code_of_conduct": "on",
        "join_waitlist": "on",
        "background": "ML engineer",
        "motivation": "Learn",
        "heard_from": "friend",
        "first_sprint": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def user_client(client):
    user = UserFactory()
    client.force_login(user)
    client.user = user
    return client


def register_url(sprint):
    return reverse("registrations:register", kwargs={"slug": sprint.slug})


class TestRegisterPage:
    def test_anonymous_is_sent_to_sign_in(self, client):
        response = client.get(register_url(SprintFactory()))
        assert response.status_code == 302 and "login" in response.url

    def test_form_lists_remote_and_approved_sites_by_country_with_seats(self, user_client):
        sprint = SprintFactory(code_of_conduct="Be **kind**.")
        LocalSiteFactory(sprint=sprint, name="Oxford Hub", capacity=3)
        full = LocalSiteFactory(sprint=sprint, name="Nairobi Lab", country="KE", city="Nairobi", capacity=1)
        RegistrationFactory(sprint=sprint, site=full)
        LocalSiteFactory(sprint=sprint, name="Pending Place", status="pending")
        html = user_client.get(register_url(sprint)).content.decode()
        assert '<optgroup label="Kenya">' in html and '<optgroup label="United Kingdom">' in html
        assert "Oxford Hub, Cambridge · 3 seats left" in html
        assert "Nairobi Lab, Nairobi · full: waitlist" in html
        assert "Pending Place" not in html
        assert "<strong>kind</strong>" in html

    def test_site_is_preselected_from_the_query(self, user_client):
        site = LocalSiteFactory()
        html = user_client.get(register_url(site.sprint) + f"?site={site.pk}").content.decode()
        assert f'<option value="{site.pk}" selected>' in html

    def test_register_redirects_with_the_status(self, user_client):
        sprint = SprintFactory()
        response = user_client.post(register_url(sprint), form_data(), follow=True)
        assert response.redirect_chain[-1][0] == reverse("registrations:mine")
        assert "your seat is confirmed" in response.content.decode()
        registration = Registration.objects.get(user=user_client.user)
        assert (registration.status, registration.background, registration.heard_from) == (
            S.CONFIRMED,
            "ML engineer",
            "friend",
        )

    def test_waitlisted_message(self, user_client):
        site = LocalSiteFactory(capacity=1)
        RegistrationFactory(sprint=site.sprint, site=site)
        response = user_client.post(register_url(site.sprint), form_data(place=str(site.pk)), follow=True)
        assert "on the waitlist" in response.content.decode()

    def test_already_registered_goes_to_my_sprints(self, user_client):
        sprint = SprintFactory()
        RegistrationFactory(sprint=sprint, user=user_client.user)
        response = user_client.get(register_url(sprint))
        assert response.status_code == 302 and response.url == reverse("registrations:mine")

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"place": "999999"}, "place", "Select a valid choice"),
            ({"accepted_code_of_conduct": None}, "accepted_code_of_conduct", "accept the code of conduct"),
            ({"experience_level": "guru"}, "experience_level", "Select a valid choice"),
            ({"background": "x" * 301}, "background", "at most 300 characters"),
            ({"motivation": "x" * 3001}, "motivation", "at most 3000 characters"),
        ],
    )
    def test_bad_input_shows_a_message_per_field_and_saves_nothing(self, user_client, overrides, field, message):
        sprint = SprintFactory()
        response = user_client.post(register_url(sprint), form_data(**overrides))
        assert response.status_code == 200
        assert message in str(response.context["form"].errors[field])
        assert not Registration.objects.exists()

    def test_site_of_another_sprint_is_not_a_choice(self, user_client):
        other = LocalSiteFactory()
        response = user_client.post(register_url(SprintFactory()), form_data(place=str(other.pk)))
        assert "Select a valid choice" in str(response.context["form"].errors["place"])

    def test_full_without_waitlist_shows_the_reason(self, user_client):
        site = LocalSiteFactory(capacity=1, name="Tiny Room")
        RegistrationFactory(sprint=site.sprint, site=site)
        response = user_client.post(register_url(site.sprint), form_data(place=str(site.pk), join_waitlist=None))
        assert "Tiny Room is full." in response.content.decode()
        assert not Registration.objects.filter(user=user_client.user).exists()

    def test_sprint_capacity_full_without_waitlist(self, user_client):
        sprint = SprintFactory(capacity=1)
        RegistrationFactory(sprint=sprint)
        response = user_client.post(register_url(sprint), form_data(join_waitlist=None))
        assert "This sprint is full." in response.content.decode()

    @pytest.mark.parametrize(
        ("fields", "reason"),
        [
            (
                {"registration_closes_at": timezone.now() - timedelta(minutes=5)},
                "Registration for this sprint has closed.",
            ),
            ({"registration_opens_at": timezone.now() + timedelta(days=2)}, "Registration opens on"),
        ],
    )
    def test_closed_and_not_yet_open_show_the_reason(self, user_client, fields, reason):
        sprint = SprintFactory(**fields)
        assert reason in user_client.get(register_url(sprint)).content.decode()
        response = user_client.post(register_url(sprint), form_data())
        assert response.status_code == 409 and reason in response.content.decode()
        assert not Registration.objects.exists()

    def test_unpublished_sprint_is_not_found_for_participants(self, user_client):
        response = user_client.post(register_url(SprintFactory(is_published=False)), form_data())
        assert response.status_code == 404
        assert not Registration.objects.exists()

    def test_unpublished_sprint_tells_its_organiser_why(self, client):
        membership = SprintMembershipFactory(sprint=SprintFactory(is_published=False))
        client.force_login(membership.user)
        response = client.post(register_url(membership.sprint), form_data())
        assert response.status_code == 409 and "not published" in response.content.decode()

    def test_html_in_motivation_is_stored_literally_and_escaped_on_render(self, client):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        user = UserFactory()
        client.force_login(user)
        client.post(register_url(sprint), form_data(motivation="<script>alert('x')</script>"))
        assert Registration.objects.get(user=user).motivation == "<script>alert('x')</script>"
        organiser = SprintMembershipFactory(sprint=sprint).user
        client.force_login(organiser)
        html = client.get(reverse("registrations:admissions", kwargs={"slug": sprint.slug})).content.decode()
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
        assert "<script>alert" not in html


class TestMySprints:
    def test_lists_status_next_step_and_actions(self, user_client):
        site = LocalSiteFactory(capacity=1, name="Oxford Hub")
        RegistrationFactory(sprint=site.sprint, site=site)
        register(user_client.user, sprint=site.sprint, site=site)
        offered = RegistrationFactory(
            user=user_client.user, status=S.OFFERED, confirm_by=timezone.now() + timedelta(days=1)
        )
        html = user_client.get(reverse("registrations:mine")).content.decode()
        assert "You're number 1 on the waitlist" in html
        assert "confirm your seat by" in html
        assert reverse("registrations:confirm", kwargs={"pk": offered.pk}) in html
        assert "data-confirm" in html
        assert "Switch between remote and a site" in html

    def test_times_in_the_viewers_zone(self, client):
        user = UserFactory(timezone="Asia/Tokyo")
        sprint = SprintFactory(
            kickoff_at=datetime(2030, 3, 1, 17, 0, tzinfo=UTC),
            submission_deadline_at=datetime(2030, 3, 3, 17, 0, tzinfo=UTC),
        )
        RegistrationFactory(user=user, sprint=sprint)
        client.force_login(user)
        assert "Sat 2 Mar 2030, 02:00" in client.get(reverse("registrations:mine")).content.decode()

    def test_empty_state(self, user_client):
        assert (
            "You have not registered for a sprint yet."
            in user_client.get(reverse("registrations:mine")).content.decode()
        )

    def test_queries_do_not_grow_with_registrations(self, user_client, django_assert_max_num_queries):
        for _ in range(5):
            sprint = SprintFactory()
            LocalSiteFactory.create_batch(2, sprint=sprint)
            RegistrationFactory(user=user_client.user, sprint=sprint)
        with django_assert_max_num_queries(12):
            user_client.get(reverse("registrations:mine"))


class TestActions:
    def test_cancel(self, user_client):
        registration = register(user_client.user, sprint=SprintFactory())
        response = user_client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk}), follow=True)
        registration.refresh_from_db()
        assert registration.status == S.CANCELLED
        assert "is cancelled" in response.content.decode()

    def test_cancel_needs_post(self, user_client):
        registration = register(user_client.user, sprint=SprintFactory())
        assert user_client.get(reverse("registrations:cancel", kwargs={"pk": registration.pk})).status_code == 405

    def test_cancel_someone_elses_is_not_found(self, user_client):
        registration = register(sprint=SprintFactory())
        assert user_client.post(reverse("registrations:cancel", kwargs={"pk": registration.pk})).status_code == 404
        registration.refresh_from_db()
        assert registration.status == S.CONFIRMED

    def test_switch_to_a_site_and_back(self, user_client):
        site = LocalSiteFactory()
        registration = register(user_client.user, sprint=site.sprint)
        url = reverse("registrations:switch", kwargs={"pk": registration.pk})
        user_client.post(url, {"place": str(site.pk), "join_waitlist": "on"})
        registration.refresh_from_db()
        assert registration.site_id == site.pk
        user_client.post(url, {"place": "remote"})
        registration.refresh_from_db()
        assert registration.site_id is None

    def test_switch_to_an_unknown_site_changes_nothing(self, user_client):
        registration = register(user_client.user, sprint=SprintFactory())
        response = user_client.post(
            reverse("registrations:switch", kwargs={"pk": registration.pk}), {"place": "424242"}, follow=True
        )
        assert "Select a valid choice" in response.content.decode()
        registration.refresh_from_db()
        assert registration.site_id is None

    def test_confirm_offer(self, user_client):
        registration = RegistrationFactory(
            user=user_client.user, status=S.OFFERED, confirm_by=timezone.now() + timedelta(hours=3)
        )
        user_client.post(reverse("registrations:confirm", kwargs={"pk": registration.pk}))
        registration.refresh_from_db()
        assert registration.status == S.CONFIRMED

    def test_next_must_be_local(self, user_client):
        registration = register(user_client.user, sprint=SprintFactory())
        response = user_client.post(
            reverse("registrations:cancel", kwargs={"pk": registration.pk}), {"next": "https://evil.example/"}
        )
        assert response.url == reverse("registrations:mine")


class TestAdmissionsPage:
    @pytest.fixture
    def setup(self, client):
        sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
        site = LocalSiteFactory(sprint=sprint, capacity=1)
        applicants = [register(sprint=sprint, site=site, background=f"Person {i}") for i in range(3)]
        organiser = SprintMembershipFactory(sprint=sprint).user
        client.force_login(organiser)
        return sprint, site, applicants, reverse("registrations:admissions", kwargs={"slug": sprint.slug})

    def test_lists_applicants_with_answers_and_filters(self, client, setup):
        sprint, site, _applicants, url = setup
        register(sprint=sprint, background="Remote person")
        html = client.get(url).content.decode()
        assert "Person 0" in html and "Remote person" in html
        html = client.get(url + f"?site={site.pk}").content.decode()
        assert "Person 0" in html and "Remote person" not in html
        html = client.get(url + "?site=remote&status=applied").content.decode()
        assert "Remote person" in html and "Person 0" not in html

    def test_create_a_wave(self, client, setup, django_capture_on_commit_callbacks, mailoutbox):
        _sprint, _site, applicants, url = setup
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url,
                {
                    "selected": [applicants[0].pk],
                    "decision": "admit",
                    "message": "Hi!",
                    "confirm_by": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
                },
                follow=True,
            )
        assert "Wave 1 sent: 1 admitted" in response.content.decode()
        assert Registration.objects.get(pk=applicants[0].pk).status == S.OFFERED
        assert "Hi!" in mailoutbox[0].body

    def test_over_capacity_wave_shows_the_reason(self, client, setup):
        _sprint, _site, applicants, url = setup
        response = client.post(
            url,
            {
                "selected": [a.pk for a in applicants[:2]],
                "decision": "admit",
                "confirm_by": (timezone.now() + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
            },
        )
        assert "1 free seat; you selected 2 people there" in response.content.decode()
        assert not Registration.objects.filter(status=S.OFFERED).exists()

    def test_admit_needs_a_deadline_and_a_selection(self, client, setup):
        _sprint, _site, _applicants, url = setup
        response = client.post(url, {"decision": "admit"})
        errors = response.context["form"].errors
        assert "selected" in errors and "confirm_by" in errors

    def test_the_deadline_is_labelled_as_needed_to_admit_not_optional(self, client, setup):
        html = client.get(setup[3]).content.decode()
        label = re.search(r'<label for="id_confirm_by">.*?</label>', html, re.S).group(0)
        assert "needed to admit" in label and "optional" not in label

    def test_participants_may_not_open_it(self, client, setup):
        _sprint, _site, applicants, url = setup
        client.force_login(applicants[0].user)
        assert client.get(url).status_code == 403


@pytest.mark.parametrize(
    ("remote_allowed", "at_site", "other_sites", "pending_sites", "offered"),
    [
        (False, True, 0, 1, False),  # at the only approved site, nowhere else to go
        (False, True, 1, 0, True),
        (True, True, 0, 0, True),  # remote is the other place
        (True, False, 0, 0, False),  # remote, and no site
        (True, False, 1, 0, True),
        (False, False, 0, 2, False),  # pending sites are no place to go
    ],
)
def test_my_sprints_offers_the_switch_menu_only_when_there_is_somewhere_to_go(
    client, remote_allowed, at_site, other_sites, pending_sites, offered
):
    sprint = SprintFactory(remote_allowed=remote_allowed)
    site = LocalSiteFactory(sprint=sprint) if at_site else None
    LocalSiteFactory.create_batch(other_sites, sprint=sprint)
    LocalSiteFactory.create_batch(pending_sites, sprint=sprint, status="pending")
    registration = RegistrationFactory(sprint=sprint, site=site)
    client.force_login(registration.user)
    html = client.get(reverse("registrations:mine")).content.decode()
    assert (reverse("registrations:switch", kwargs={"pk": registration.pk}) in html) is offered


def test_counts_of_one_read_in_the_singular(client):
    """Plural forms: "the only seat", "1 hour", never "All 1 seats" or "1 hours"."""
    sprint = SprintFactory(capacity=1, admission_mode=AdmissionMode.REVIEWED, confirm_window_hours=1)
    RegistrationFactory(sprint=sprint)
    assert "The only seat is taken" in client.get(sprint.get_absolute_url()).content.decode()
    client.force_login(UserFactory())
    register_page = client.get(reverse("registrations:register", kwargs={"slug": sprint.slug})).content.decode()
    assert "confirm your seat within 1 hour, or" in register_page
    client.force_login(SprintMembershipFactory(sprint=sprint).user)
    admissions_page = client.get(reverse("registrations:admissions", kwargs={"slug": sprint.slug})).content.decode()
    assert "offered for 1 hour)" in admissions_page
