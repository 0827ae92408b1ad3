"""The team pages in Chromium: form a team on a phone, a teammate joins by the invite link, the lead
answers a request; axe-core on each page; screenshots at desktop and phone sizes."""

import pytest
from playwright.sync_api import expect

from sprintlab.teams.models import JoinStatus, Team, TeamMember
from tests.browser_support import SCREENSHOTS, assert_accessible, sign_in, wait_until_settled
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, UserFactory
from tests.teams.factories import JoinRequestFactory, TeamFactory, TrackFactory, add_member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def confirmed(sprint, **kwargs):
    user = UserFactory(**kwargs)
    RegistrationFactory(sprint=sprint, user=user)
    return user


def shoot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        page.set_viewport_size(size)
        page.screenshot(path=SCREENSHOTS / f"teams-{name}-{label}.png", full_page=True)


def test_form_a_team_on_a_phone_and_a_teammate_joins_by_the_link(page, live_server):
    sprint = SprintFactory()
    TrackFactory(sprint=sprint, name="Probing for concepts")
    founder = confirmed(sprint, display_name="Amara Okafor", timezone="Africa/Lagos")
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, founder.email, PASSWORD)

    page.goto(f"{live_server.url}{sprint.get_absolute_url()}")
    page.get_by_role("link", name="create a team").click()
    assert_accessible(page, "create a team")
    page.get_by_label("Name").fill("Sparse Circuit Sleuths")
    page.get_by_label("Short description").fill("We trace negation in small models.")
    page.get_by_label("Track").select_option(label="Probing for concepts")
    page.get_by_role("button", name="Create the team").click()
    expect(page.locator(".messages")).to_contain_text("is formed")
    team = Team.objects.get(name="Sparse Circuit Sleuths")
    assert team.invite_code in page.content()
    assert_accessible(page, "team page")

    mate = confirmed(sprint, display_name="Jonas Berg")
    page.context.clear_cookies()
    sign_in(page, live_server.url, mate.email, PASSWORD)
    page.goto(f"{live_server.url}/sprints/{sprint.slug}/teams/join/{team.invite_code.lower()}/")
    assert_accessible(page, "invite link")
    page.get_by_role("button", name="Join the team").click()
    expect(page.locator(".messages")).to_contain_text("Welcome to Sparse Circuit Sleuths")
    expect(page.locator("main")).to_contain_text("Africa/Lagos")
    assert TeamMember.objects.filter(team=team, user=mate).exists()


def test_lead_accepts_a_request_and_the_list_filters(page, live_server):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, name="Nairobi Garage", city="Nairobi", timezone="Africa/Nairobi")
    track = TrackFactory(sprint=sprint, name="Circuits in toy models")
    team = TeamFactory(sprint=sprint, name="Honest Owls", track=track, looking_for="Someone who knows statistics.")
    member = UserFactory(display_name="Wanjiru Kamau", timezone="Africa/Nairobi")
    RegistrationFactory(sprint=sprint, user=member, site=site)
    add_member(team, member, register=False)
    TeamFactory(sprint=sprint, name="Quiet Foxes")
    asker = confirmed(sprint, display_name="Mei Tanaka")
    join_request = JoinRequestFactory(team=team, user=asker, message="I have done some PyTorch.")
    sign_in(page, live_server.url, team.lead.email, PASSWORD)

    page.goto(f"{live_server.url}/sprints/{sprint.slug}/teams/")
    page.set_viewport_size(DESKTOP)
    page.get_by_label("Search").fill("statistics")
    wait_until_settled(page)
    page.wait_for_function("() => !document.body.innerText.includes('Quiet Foxes')")
    expect(page.locator("#team-results")).to_contain_text("Honest Owls")
    assert_accessible(page, "team list")
    shoot(page, "list")

    page.goto(f"{live_server.url}{team.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Nairobi Garage")
    shoot(page, "detail")
    page.get_by_role("button", name="Accept").click()
    expect(page.locator(".messages")).to_contain_text("Mei Tanaka is in Honest Owls")
    join_request.refresh_from_db()
    assert join_request.status == JoinStatus.ACCEPTED
