"""In Chromium: an organiser announces to one site; its attendees' inbox badge updates, nobody else's does."""

import os

import pytest
from django.core import mail
from playwright.sync_api import expect

from sprintlab.notifications.models import InboxItem
from sprintlab.sprints.models import SprintRole
from tests.browser_support import assert_accessible, sign_in
from tests.factories import LocalSiteFactory, RegistrationFactory, SprintFactory, SprintMembershipFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("SCREENSHOT_DIR")


def _shoot(page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_an_announcement_to_one_site_reaches_its_attendees_and_nobody_else(page, browser, live_server):
    sprint = SprintFactory(title="Evals Weekend")
    berlin = LocalSiteFactory(sprint=sprint, name="Berlin Hub", city="Berlin")
    paris = LocalSiteFactory(sprint=sprint, name="Paris Lab", city="Paris")
    attendee = RegistrationFactory(sprint=sprint, site=berlin)
    berlin_other = RegistrationFactory(sprint=sprint, site=berlin)
    outsiders = [RegistrationFactory(sprint=sprint, site=paris), RegistrationFactory(sprint=sprint)]
    organiser = SprintMembershipFactory(sprint=sprint, role=SprintRole.ORGANISER).user

    # The attendee has a page open on their phone; the badge shows nothing unread.
    attendee_context = browser.new_context(viewport=PHONE)
    attendee_page = attendee_context.new_page()
    sign_in(attendee_page, live_server.url, attendee.user.email, PASSWORD)
    attendee_page.goto(f"{live_server.url}/sprints/{sprint.slug}/announcements/")
    assert attendee_page.locator("#inbox-badge [data-unread]").count() == 0

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in(page, live_server.url, organiser.email, PASSWORD)
    page.goto(f"{live_server.url}/sprints/{sprint.slug}/announcements/new/")
    page.get_by_role("radio", name="One site").check()
    page.locator("#id_site").select_option(str(berlin.pk))
    page.get_by_label("Title").fill("Doors open at 9")
    page.get_by_label("Message").fill("Bring your **badge** and a laptop.")
    preview = page.locator("#announcement-preview")
    preview.locator(".prose strong", has_text="badge").wait_for()
    assert "2 people will receive it" in preview.inner_text()
    _shoot(page, "announcement-create-desktop")
    assert_accessible(page, "new announcement")
    page.get_by_role("button", name="Save and review").click()
    page.locator("text=2 people will receive it.").wait_for()
    page.get_by_label("Yes, send it now").check()
    page.get_by_role("button", name="Send now").click()
    expect(page.locator(".messages")).to_contain_text("Sending now")
    page.reload()
    assert page.locator('tr[data-channel="email"] td').nth(2).inner_text() == "2"
    _shoot(page, "announcement-detail-desktop")
    assert_accessible(page, "announcement")

    # The badge polls: it shows one unread item without a reload.
    attendee_page.locator('#inbox-badge [data-unread="1"]').wait_for()
    attendee_page.goto(f"{live_server.url}/sprints/{sprint.slug}/announcements/")
    assert "Doors open at 9" in attendee_page.locator(".announcement-list").inner_text()
    _shoot(attendee_page, "announcement-list-phone")
    attendee_context.close()

    reached = {attendee.user_id, berlin_other.user_id}
    assert set(InboxItem.objects.values_list("user_id", flat=True)) == reached
    assert sorted(message.to[0] for message in mail.outbox) == sorted([attendee.user.email, berlin_other.user.email])
    assert not {outsider.user_id for outsider in outsiders} & set(InboxItem.objects.values_list("user_id", flat=True))
