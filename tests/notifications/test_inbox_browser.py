"""The header's unread badge updates without a reload; the inbox and preferences fit a phone."""

import pytest
from playwright.sync_api import expect

from sprintlab.notifications.inbox import inbox_add
from sprintlab.notifications.models import NotificationKind
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, save_screenshot, sign_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_an_item_added_on_the_server_appears_in_the_badge_without_a_reload(browser, live_server):
    person = UserFactory()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    prepare_page(page)
    sign_in(page, live_server.url, person.email, PASSWORD)
    open_page(page, f"{live_server.url}/me/inbox/")
    badge = page.locator("#inbox-badge")
    expect(badge).to_have_text("")
    page.evaluate("window.__loadedOnce = true")  # gone if the page were reloaded

    inbox_add(
        key="browser:1",
        user=person,
        kind=NotificationKind.ANNOUNCEMENT,
        title="Kickoff moves to 10:00 UTC",
        body_html="<p>Same room, one hour later.</p>",
        url="/sprints/",
    )
    expect(badge.locator("[data-unread]")).to_have_text("1 unread")
    assert page.evaluate("window.__loadedOnce") is True

    open_page(page, f"{live_server.url}/me/inbox/")
    expect(page.locator(".inbox-item.is-unread")).to_have_count(1)
    assert_accessible(page, "inbox")
    save_screenshot(page, "inbox-desktop")
    page.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".inbox-item.is-unread")).to_have_count(0)
    expect(badge).to_have_text("")  # refreshed at once by the inbox-changed event

    open_page(page, f"{live_server.url}/me/notifications/settings/")
    assert_accessible(page, "notification settings")
    save_screenshot(page, "notification-settings-desktop")
    page.close()


def test_inbox_and_settings_fit_a_phone(browser, live_server):
    person = UserFactory()
    for n in range(3):
        inbox_add(
            key=f"phone:{n}",
            user=person,
            kind=NotificationKind.REMINDER,
            title=f"Submission deadline in {24 - n} hours: check your team's repository and notebook links",
            body_html="<p>Submit before <strong>Sunday 18:00 UTC</strong>.</p>",
            url="/sprints/",
        )
    context = browser.new_context(**PHONE)
    page = context.new_page()
    prepare_page(page)
    sign_in(page, live_server.url, person.email, PASSWORD)
    for path, name in (("/me/inbox/", "inbox-phone"), ("/me/notifications/settings/", "notification-settings-phone")):
        open_page(page, f"{live_server.url}{path}")
        save_screenshot(page, name)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    context.close()
