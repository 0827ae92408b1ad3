"""The sprint pages in Chromium: accessible (axe-core), usable on a phone, live Markdown preview."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from sprintlab.sprints.models import Track
from tests.browser_support import assert_accessible, sign_in
from tests.factories import (
    LocalSiteFactory,
    PartnerFactory,
    RegistrationFactory,
    SprintFactory,
    SprintMembershipFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PASSWORD = "correct horse battery staple"


@pytest.fixture
def sprint_with_content():
    sprint = SprintFactory(title="Interpretability Hackathon", description="Find **circuits**.", rules="Be kind.")
    sprint.partners.add(PartnerFactory(name="Apart Research"))
    Track.objects.create(sprint=sprint, name="Circuits")
    site = LocalSiteFactory(sprint=sprint, name="Trinity College")
    RegistrationFactory.create_batch(3, sprint=sprint, site=site)
    return sprint


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 900}], ids=["phone", "desktop"]
)
def test_public_pages_are_accessible_and_fit_the_screen(page, live_server, sprint_with_content, viewport):
    page.set_viewport_size(viewport)
    for label, path in (("sprint list", "/sprints/"), ("sprint page", sprint_with_content.get_absolute_url())):
        page.goto(live_server.url + path)
        assert_accessible(page, label)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{label} scrolls sideways"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sprint-page-{viewport['width']}.png"), full_page=True)


def test_organiser_pages_are_accessible_and_preview_markdown_live(page, live_server, sprint_with_content):
    organiser = SprintMembershipFactory(sprint=sprint_with_content).user
    sign_in(page, live_server.url, organiser.email, PASSWORD)
    slug = sprint_with_content.slug
    for label, path in (("registrations", f"/sprints/{slug}/registrations/"), ("clone", f"/sprints/{slug}/clone/")):
        page.goto(live_server.url + path)
        assert_accessible(page, label)

    page.goto(f"{live_server.url}/sprints/{slug}/edit/")
    assert_accessible(page, "sprint form")
    page.fill("#id_description", "Now with **live preview**")
    expect(page.locator("#description-preview strong")).to_have_text("live preview")
