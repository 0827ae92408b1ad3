"""Screenshots of the main pages on the small demo, at desktop and phone size, for people to look at.

They land in test-artifacts/screenshots/ (looks-<page>-<size>.png). Each page is also checked for
what must be visible: the search box and cover images on the sprint list, the cover on a sprint
page, the world map with a link per site on the sites list, the participant's and the organiser's
own pages.
"""

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from playwright.sync_api import expect

from sprintlab.demo.logins import DEMO_PASSWORD
from sprintlab.localsites.models import SiteStatus
from sprintlab.sprints.models import Sprint
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, save_screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
SIZES = {"desktop": DESKTOP, "phone": PHONE}


def expect_images_loaded(locator) -> None:
    """Every image of ``locator`` has been fetched and decoded (a broken one has no natural width)."""
    expect(locator.first).to_be_visible()
    for image in locator.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")


def test_main_pages_at_desktop_and_phone_size(browser, live_server):
    call_command("seed_demo", "--scale", "small", "--verbosity", "0")
    sprint = (
        Sprint.objects.filter(is_published=True)
        .annotate(sites_with_coordinates=Count("sites", filter=Q(sites__status=SiteStatus.APPROVED)))
        .order_by("-sites_with_coordinates")
        .first()
    )
    base = live_server.url
    for size, options in SIZES.items():
        context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
        page = context.new_page()
        prepare_page(page)

        open_page(page, f"{base}/sprints/?when=past")
        expect(page.get_by_role("searchbox", name="Search")).to_be_visible()
        expect_images_loaded(page.locator(".sprint-card-cover img"))
        expect(page.get_by_role("navigation", name="Pages")).to_be_visible()
        assert_accessible(page, f"sprint list ({size})")
        save_screenshot(page, f"looks-sprint-list-{size}")

        open_page(page, f"{base}{sprint.get_absolute_url()}")
        expect_images_loaded(page.locator(".hero-cover"))
        expect_images_loaded(page.locator(".partner-logo"))
        save_screenshot(page, f"looks-sprint-page-{size}")

        open_page(page, f"{base}/sprints/{sprint.slug}/sites/")
        site_map = page.get_by_role("figure")
        expect(site_map).to_be_visible()
        site = sprint.sites.filter(status=SiteStatus.APPROVED, latitude__isnull=False).order_by("name").first()
        dot = site_map.get_by_role("link", name=f"{site.name}, {site.city}")
        expect(dot).to_be_visible()
        assert dot.get_attribute("href") == site.get_absolute_url()
        assert_accessible(page, f"sites list ({size})")
        save_screenshot(page, f"looks-sites-{size}")
        context.close()

    for key, path, heading in (
        ("participant", "/me/sprints/", "My sprints"),
        ("organiser", "/me/organising/", "Sprints I run"),
    ):
        for size, options in SIZES.items():
            context = browser.new_context(locale="en-GB", timezone_id="Europe/London", **options)
            page = context.new_page()
            prepare_page(page)
            sign_in(page, base, f"{key}@example.org", DEMO_PASSWORD)
            open_page(page, f"{base}{path}")
            expect(page.get_by_role("heading", name=heading, level=1)).to_be_visible()
            save_screenshot(page, f"looks-{key}-home-{size}")
            context.close()
