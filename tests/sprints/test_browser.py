"""The sprint pages in Chromium: accessible (axe-core), usable on a phone, live Markdown preview."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from sprintlab.demo.catalogue import OPEN_SPRINT_TITLE
from sprintlab.sprints.models import Sprint, Track
from tests.browser_support import assert_accessible, open_page, save_screenshot, sign_in
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


# The demo's open sprint measured 4.7k px tall on a phone, its timeline under the rules.
PHONE_PAGE_HEIGHT_LIMIT = 3_600


@pytest.mark.parametrize(
    "viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "desktop"]
)
def test_the_sprint_page_puts_key_facts_and_the_timeline_first(page, live_server, viewport):
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    sprint = Sprint.objects.get(title=OPEN_SPRINT_TITLE)
    page.set_viewport_size(viewport)
    open_page(page, live_server.url + sprint.get_absolute_url())
    top = {
        name: page.locator(selector).bounding_box()
        for name, selector in {
            "register": ".register-box .button",
            "where": ".hero-where",
            "timeline": "#timeline-heading",
            "description": "#about-heading",
            "rules": "#rules-heading",
            "sites": "#sites-heading",
        }.items()
    }
    height = page.evaluate("document.documentElement.scrollHeight")
    save_screenshot(page, f"sprint-page-demo-{'phone' if viewport['width'] < 600 else 'desktop'}")
    if viewport["width"] < 600:
        # One column: the hero's facts and the register button, the timeline, then the description and the rest.
        assert top["register"]["y"] < top["timeline"]["y"] < top["description"]["y"] < top["rules"]["y"]
        assert top["where"]["y"] < top["timeline"]["y"]
        assert height < PHONE_PAGE_HEIGHT_LIMIT, f"the sprint page is {height}px tall on a phone"
    else:
        # Two columns: the timeline beside the description, the sites under the timeline.
        assert top["timeline"]["x"] > top["description"]["x"] + 300
        assert abs(top["timeline"]["y"] - top["description"]["y"]) < 5
        assert top["timeline"]["y"] < top["sites"]["y"] and top["sites"]["x"] == top["timeline"]["x"]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # Long sections are one tap away, not gone.
    expect(page.locator("#rules-heading + details .prose")).to_be_hidden()
    page.get_by_text("Read the rules").click()
    expect(page.locator("#rules-heading + details .prose")).to_be_visible()
    assert_accessible(page, "the demo's sprint page")
