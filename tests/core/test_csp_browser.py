"""In Chromium, offline: the API docs and the admin work under the strict policy, with no violation."""

import pytest
from playwright.sync_api import expect

from tests.factories import SprintFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


@pytest.fixture
def offline_page(page, live_server):
    """A page that may reach the test server only, and records every policy violation it reports."""
    page.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(live_server.url) else route.abort()
    )
    page.violations = []
    page.on(
        "console", lambda message: "Content Security Policy" in message.text and page.violations.append(message.text)
    )
    return page


def test_api_docs_render_the_operations_offline(offline_page, live_server):
    offline_page.goto(f"{live_server.url}/api/v1/docs")
    expect(offline_page.locator(".opblock-summary-path").first).to_be_visible(timeout=15_000)
    expect(offline_page.get_by_text("/api/v1/me").first).to_be_visible()
    assert offline_page.locator("html").get_attribute("lang") == "en"
    assert offline_page.violations == []


def test_admin_works_under_the_policy(offline_page, live_server):
    StaffFactory(email="staff@example.org", is_superuser=True)
    SprintFactory(title="Policy sprint")
    offline_page.goto(f"{live_server.url}/admin/login/")
    offline_page.get_by_label("Email").fill("staff@example.org")
    offline_page.get_by_label("Password").fill(PASSWORD)
    offline_page.get_by_role("button", name="Log in").click()
    expect(offline_page.get_by_text("Site administration")).to_be_visible()
    offline_page.goto(f"{live_server.url}/admin/sprints/sprint/")
    offline_page.get_by_role("link", name="Policy sprint").click()
    expect(offline_page.locator("#sprint_form")).to_be_visible()
    assert offline_page.violations == []
