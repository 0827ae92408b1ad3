"""Acceptance: two newcomers form a team through the team finder, in Chromium; axe-core on each page."""

import pytest
from playwright.sync_api import expect

from sprintlab.teams.models import JoinedVia, Team, TeamOrigin
from tests.browser_support import assert_accessible, open_page, save_screenshot, sign_in
from tests.factories import RegistrationFactory, SprintFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def _switch_to(page, live_server, user):
    page.context.clear_cookies()
    sign_in(page, live_server.url, user.email, PASSWORD)


def test_two_newcomers_form_a_team_through_the_finder(page, live_server):
    sprint = SprintFactory(title="Evals Weekend", team_size_min=1, team_size_max=4)
    amara = UserFactory(display_name="Amara Okafor", timezone="Africa/Lagos")
    bruno = UserFactory(display_name="Bruno Lima", timezone="America/Sao_Paulo")
    for person in (amara, bruno):
        RegistrationFactory(sprint=sprint, user=person, first_sprint=True)
    finder = f"{live_server.url}/sprints/{sprint.slug}/team-finder/"

    # Amara marks herself as looking, on her phone.
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, amara.email, PASSWORD)
    open_page(page, finder)
    assert_accessible(page, "finder card")
    page.get_by_label("evaluations").check()
    page.get_by_label("policy", exact=True).check()
    page.get_by_label("A short note").fill("Policy background, first sprint, keen to pair with an engineer.")
    page.get_by_role("button", name="Save and see suggestions").click()
    expect(page.locator(".messages")).to_contain_text("Others looking for a team can now find you")

    # Bruno fills in his card and sees Amara suggested, with the reasons.
    _switch_to(page, live_server, bruno)
    page.set_viewport_size(DESKTOP)
    open_page(page, finder)
    page.get_by_label("evaluations").check()
    page.get_by_label("software engineering").check()
    page.get_by_role("button", name="Save and see suggestions").click()
    card = page.locator(f"[data-person='{amara.pk}']")
    expect(card).to_contain_text("both on evaluations")
    expect(card).to_contain_text("you write code, Amara Okafor has a policy background")
    expect(card).to_contain_text("h of shared daytime")
    assert_accessible(page, "suggestions")
    save_screenshot(page, "teamfinder-suggestions-desktop")
    page.set_viewport_size(PHONE)
    save_screenshot(page, "teamfinder-suggestions-phone")
    card.get_by_label("Team name").fill("Policy meets evals")
    card.get_by_role("button", name="Start a team and invite Amara Okafor").click()
    expect(page.locator(".messages")).to_contain_text("You started Policy meets evals and invited Amara Okafor")

    # Amara finds the invitation and accepts it.
    _switch_to(page, live_server, amara)
    team = Team.objects.get(name="Policy meets evals")
    open_page(page, f"{live_server.url}{team.get_absolute_url()}")
    expect(page.get_by_role("heading", name="You are invited")).to_be_visible()
    page.locator("aside").get_by_role("button", name="Accept").click()
    expect(page.locator("main")).to_contain_text("Bruno Lima")

    # Both see the team, and it counts as formed through the finder.
    _switch_to(page, live_server, bruno)
    open_page(page, f"{live_server.url}{team.get_absolute_url()}")
    expect(page.locator("main")).to_contain_text("Amara Okafor")
    team.refresh_from_db()
    assert team.origin == TeamOrigin.FINDER
    assert dict(team.members.values_list("user_id", "joined_via")) == {
        bruno.pk: JoinedVia.FOUNDED,
        amara.pk: JoinedVia.INVITATION,
    }
