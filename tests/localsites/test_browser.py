"""Check-in on a phone and the review page, in headless Chromium against a live server."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from sprintlab.localsites.models import SiteStatus
from sprintlab.sprints.models import SprintRole
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, wait_until_settled
from tests.factories import (
    LocalSiteFactory,
    RegistrationFactory,
    SiteOrganiserFactory,
    SprintFactory,
    SprintMembershipFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def signed_in_context(browser, live_server, user, **options):
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context


def test_check_in_on_a_phone(browser, live_server):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint, doors_open_soon=True)
    organiser = SiteOrganiserFactory(site=site).user
    ada = RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Ada Lovelace"))
    RegistrationFactory(sprint=sprint, site=site, user=UserFactory(display_name="Alan Turing"))

    context = signed_in_context(browser, live_server, organiser, **PHONE)
    page = context.new_page()
    prepare_page(page)
    open_page(
        page,
        live_server.url + reverse("registrations:check_in", kwargs={"sprint_slug": sprint.slug, "slug": site.slug}),
    )
    expect(page.locator("#checked-in-count")).to_have_text("0 of 2 checked in")
    assert_accessible(page, page.url)

    page.locator("#checkin-q").fill("ada")
    expect(page).to_have_url(re.compile(r"q=ada"))
    wait_until_settled(page)
    expect(page.locator(".checkin-row")).to_have_count(1)
    page.get_by_role("button", name="Check in Ada Lovelace").tap()
    expect(page.locator(f"#registration-{ada.pk}")).to_contain_text(re.compile(r"Checked in \d\d:\d\d"))
    expect(page.locator("#checked-in-count")).to_have_text("1 of 2 checked in")
    expect(page.locator("#checkin-q")).to_have_value("")
    ada.refresh_from_db()
    assert ada.checked_in_at is not None and ada.checked_in_by == organiser
    # The row and the button fit the phone's width: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    wait_until_settled(page)
    page.get_by_role("button", name="Undo check-in of Ada Lovelace").tap()
    expect(page.get_by_role("button", name="Check in Ada Lovelace")).to_be_visible()
    ada.refresh_from_db()
    assert ada.checked_in_at is None
    context.close()


def test_review_decisions_swap_the_row(browser, live_server):
    sprint = SprintFactory()
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user
    first = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, name="First Venue")
    second = LocalSiteFactory(sprint=sprint, status=SiteStatus.PENDING, name="Second Venue")

    context = signed_in_context(browser, live_server, organiser, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("localsites:applications", args=[sprint.slug]))
    assert_accessible(page, page.url)

    row = page.locator(f"#application-{first.pk}")
    row.get_by_role("button", name="Approve").click()
    expect(page.locator(f"#application-{first.pk}")).to_contain_text("Decision saved")
    expect(page.locator(f"#application-{first.pk} .badge")).to_have_text("Approved")

    row = page.locator(f"#application-{second.pk}")
    row.get_by_text("Reject…").click()
    row.get_by_label("Reason (the applicant reads it)").fill("We already have a site in this city.")
    row.get_by_role("button", name="Reject application").click()
    expect(page.locator(f"#application-{second.pk} .badge")).to_have_text("Rejected")
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (SiteStatus.APPROVED, SiteStatus.REJECTED)
    assert second.decision_reason == "We already have a site in this city."
    context.close()
