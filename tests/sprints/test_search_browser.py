"""In Chromium: the sprint search updates the results as one types (htmx) and works as a plain form
without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests.browser_support import open_page, prepare_page, wait_until_settled
from tests.factories import PartnerFactory, SprintFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sprints():
    SprintFactory(title="Evals Weekend").partners.add(PartnerFactory(name="Apollo Research"))
    SprintFactory(title="Governance Jam")
    SprintFactory(title="Interpretability Hackathon")


def test_typing_a_search_updates_the_list_and_the_address(page, live_server, sprints):
    open_page(page, f"{live_server.url}/sprints/")
    expect(page.locator(".sprint-card")).to_have_count(3)
    page.get_by_role("searchbox", name="Search").press_sequentially("apollo")
    expect(page.locator(".sprint-card")).to_have_count(1)
    expect(page.locator(".sprint-card h2")).to_have_text("Evals Weekend")
    expect(page.get_by_role("status")).to_contain_text("1 sprint in “Upcoming” matches.")
    wait_until_settled(page)
    assert "q=apollo" in page.url
    # The tabs were swapped with the results, so they keep the search.
    assert "q=apollo" in page.get_by_role("link", name="Past").get_attribute("href")
    page.get_by_role("combobox", name="Research area").select_option("governance")
    expect(page.locator(".empty-state")).to_contain_text("No sprint in “Upcoming” matches this search.")


def test_the_search_works_without_javascript(browser, live_server, sprints):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    prepare_page(page)
    page.goto(f"{live_server.url}/sprints/")
    page.get_by_role("searchbox", name="Search").fill("governance")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=governance**")
    expect(page.locator(".sprint-card")).to_have_count(1)
    expect(page.locator("#search-status")).to_contain_text("1 sprint in “Upcoming” matches.")
    context.close()
