"""The acceptance journey in Chromium: a newcomer signs up, registers at a site, finds it under
"My sprints", and the site organiser checks them in on a phone. Screenshots land in test-artifacts/."""

import re

import pytest
from playwright.sync_api import expect

from sprintlab.registrations.models import Registration, RegistrationStatus
from tests.browser_support import (
    PHONE,
    assert_accessible,
    confirm_email_from_outbox,
    open_page,
    prepare_page,
    save_screenshot,
    sign_in,
    wait_until_settled,
)
from tests.factories import LocalSiteFactory, SiteOrganiserFactory, SprintFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
NEWCOMER_PASSWORD = "a-long-and-unusual-passphrase-42"


@pytest.fixture
def browser_context_args(browser_context_args):
    # A participant far from UTC: the pages must show times in the browser's own zone.
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Asia/Kolkata"}


def test_newcomer_registers_at_a_site_and_is_checked_in_on_a_phone(page, browser, live_server):
    sprint = SprintFactory(
        title="Multi-Agent Security Hackathon",
        tagline="Find new failure modes in multi-agent systems",
        description="## What you will do\nWork in teams on **multi-agent risks** with mentors on call.",
        code_of_conduct="Be kind, credit others' work and follow the info-hazard policy.",
    )
    site = LocalSiteFactory(
        sprint=sprint,
        name="Nairobi AI Hub",
        city="Nairobi",
        country="KE",
        timezone="Africa/Nairobi",
        capacity=25,
        doors_open_soon=True,
    )
    LocalSiteFactory(sprint=sprint, name="Oxford Commons", city="Oxford", country="GB", capacity=30)
    organiser = SiteOrganiserFactory(
        site=site, user=UserFactory(email="host@example.org", display_name="Wanjiru Host")
    ).user
    base = live_server.url

    # 1. A new person signs up.
    page.goto(f"{base}/accounts/signup/")
    page.get_by_label("Email").fill("amara.newcomer@example.org")
    page.locator("#id_password1").fill(NEWCOMER_PASSWORD)
    page.locator("#id_password2").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    confirm_email_from_outbox(page, base, "amara.newcomer@example.org")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    # 2. They find the sprint and look at its sites.
    page.goto(f"{base}/sprints/")
    page.get_by_role("link", name=sprint.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(sprint.title)
    # Chromium reports the zone by its older ICU name, Asia/Calcutta.
    expect(page.get_by_text(re.compile(r"Asia/(Kolkata|Calcutta)")).first).to_be_visible()
    assert_accessible(page, "sprint page")
    save_screenshot(page, "sprint-page")

    page.goto(f"{base}/sprints/{sprint.slug}/sites/")
    expect(page.get_by_text("Nairobi AI Hub").first).to_be_visible()
    assert_accessible(page, "sites list")
    save_screenshot(page, "sites-list")

    # 3. They register at the Nairobi site.
    page.goto(f"{base}/sprints/{sprint.slug}/")
    page.locator(".hero").get_by_role("link", name=re.compile("Register")).click()
    page.get_by_label("Where will you take part?").select_option(str(site.pk))
    page.get_by_label("Your experience with AI safety research").select_option("new")
    page.get_by_label("Your background").fill("Software engineer, some ML")
    page.get_by_label("I have read and accept the code of conduct").check()
    assert_accessible(page, "registration form")
    page.get_by_role("button", name="Register").click()

    # 4. It shows under "My sprints".
    expect(page).to_have_url(re.compile(r"/me/sprints/"))
    expect(page.get_by_text(sprint.title).first).to_be_visible()
    expect(page.get_by_text("Nairobi AI Hub").first).to_be_visible()
    assert_accessible(page, "my sprints")
    registration = Registration.objects.get(user__email="amara.newcomer@example.org", sprint=sprint)
    assert registration.site == site
    assert registration.status == RegistrationStatus.CONFIRMED

    # 5. On the day, the site organiser checks them in from a phone.
    phone = browser.new_context(**PHONE)
    organiser_page = phone.new_page()
    prepare_page(organiser_page)
    sign_in(organiser_page, base, organiser.email, PASSWORD)
    open_page(organiser_page, f"{base}/sprints/{sprint.slug}/sites/{site.slug}/check-in/")
    organiser_page.get_by_label("Find an attendee by name or email").fill("amara")
    # The search runs after a short typing pause: wait until its answer is on the page.
    expect(organiser_page).to_have_url(re.compile(r"q=amara"))
    wait_until_settled(organiser_page)
    expect(organiser_page.locator(".checkin-row")).to_have_count(1)
    organiser_page.locator(".checkin-row").get_by_role("button", name=re.compile("^Check in")).tap()
    expect(organiser_page.locator(f"#registration-{registration.pk}")).to_contain_text(
        re.compile(r"Checked in \d\d:\d\d")
    )
    # The search box is empty again, ready for the next name.
    expect(organiser_page.get_by_label("Find an attendee by name or email")).to_have_value("")
    assert_accessible(organiser_page, "check-in")
    save_screenshot(organiser_page, "check-in-phone")
    phone.close()

    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == organiser
