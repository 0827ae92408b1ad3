"""Key pages in Chromium, as a visitor and as staff: every request the browser makes (scripts, styles,
fonts, images, frames, fetches) goes to the app's own host. Requests elsewhere are blocked and named."""

from urllib.parse import urlsplit

import pytest

from tests.browser_support import open_page, prepare_page, sign_in
from tests.factories import LocalSiteFactory, RegistrationFactory, SiteOrganiserFactory, SprintFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def record_other_hosts(context, app_host: str) -> list[str]:
    elsewhere: list[str] = []

    def handle(route):
        if urlsplit(route.request.url).hostname == app_host:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    context.route("**/*", handle)
    return elsewhere


def test_key_pages_load_nothing_from_other_hosts(browser, live_server):
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    RegistrationFactory(sprint=sprint, site=site)
    SiteOrganiserFactory(site=site)
    staff = StaffFactory()
    base = live_server.url
    site_path = f"/sprints/{sprint.slug}/sites/{site.slug}/"
    public = ["/sprints/", sprint.get_absolute_url(), f"/sprints/{sprint.slug}/sites/", site_path]
    public += ["/accounts/login/", "/accounts/signup/", "/api/v1/docs"]
    signed_in = ["/me/sprints/", f"/sprints/{sprint.slug}/register/", f"{site_path}dashboard/", f"{site_path}check-in/"]
    signed_in += [f"/sprints/{sprint.slug}/edit/", "/staff/outbox/", "/accounts/tokens/", "/admin/"]

    context = browser.new_context()
    elsewhere = record_other_hosts(context, urlsplit(base).hostname)
    page = context.new_page()
    prepare_page(page)
    for path in public:
        open_page(page, base + path)
    sign_in(page, base, staff.email, PASSWORD)
    for path in signed_in:
        open_page(page, base + path)
    context.close()
    assert not elsewhere, f"requests to other hosts: {sorted(set(elsewhere))}"
