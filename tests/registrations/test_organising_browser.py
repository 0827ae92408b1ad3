"""The organiser home in Chromium at desktop and phone size: accessible, no sideways scrolling, screenshots."""

import pytest
from playwright.sync_api import expect

from sprintlab.sprints.models import SprintRole
from tests.browser_support import PHONE, assert_accessible, save_screenshot, sign_in
from tests.factories import OrganiserFactory, PartnerFactory, SprintMembershipFactory
from tests.registrations.organising_data import sprint_with_to_dos

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def organiser():
    person = OrganiserFactory(display_name="Olivia Organiser")
    SprintMembershipFactory(sprint=sprint_with_to_dos(title="Evaluations Sprint: Reviewed Admission"), user=person)
    partner = PartnerFactory(name="Apollo Research")
    cohosted = sprint_with_to_dos(title="Interpretability Hackathon with a Rather Long Title")
    cohosted.partners.add(partner)
    SprintMembershipFactory(sprint=cohosted, user=person, role=SprintRole.COHOST, partner=partner)
    return person


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_organiser_home_is_accessible_and_fits_the_screen(browser, live_server, organiser, size):
    context = browser.new_context(**(DESKTOP if size == "desktop" else PHONE))
    page = context.new_page()
    try:
        sign_in(page, live_server.url, organiser.email, PASSWORD)
        page.get_by_role("link", name="Sprints I run").click()
        page.wait_for_url("**/me/organising/")
        assert page.get_by_role("heading", level=1).inner_text() == "Sprints I run"
        expect(page.get_by_role("link", name="New sprint")).to_be_visible()
        assert_accessible(page, "organiser home")
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "scrolls sideways"
        width = (DESKTOP if size == "desktop" else PHONE)["viewport"]["width"]
        save_screenshot(page, f"organiser-home-{width}")
    finally:
        context.close()
