"""The library in Chromium on a phone: a word that appears only in a report's text finds the project,
and its page opens with the PDF, the authors and the citation; screenshots of the library, a project
and a certificate check at desktop and phone size."""

import pytest
from playwright.sync_api import expect

from sprintlab.library import services
from tests.browser_support import PHONE, assert_accessible, open_page, prepare_page, save_screenshot, wait_until_settled
from tests.library.factories import ProjectFactory, make_organiser

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DESKTOP = {"viewport": {"width": 1280, "height": 800}}


def published(**kwargs):
    project = ProjectFactory(**kwargs)
    services.project_publish(actor=make_organiser(project.sprint), submission=project)
    return project


def test_search_by_a_word_in_the_text_opens_the_project_on_a_phone(browser, live_server):
    wanted = published(
        title="Steering vectors for honesty",
        abstract="We add a vector to the residual stream.",
        report_text="Section 4 reports the quokkaphasic effect we did not expect.",
    )
    published(title="Chess probes", abstract="Board state.", report_text="Knights and bishops.")
    context = browser.new_context(**PHONE)
    page = context.new_page()
    prepare_page(page)
    open_page(page, f"{live_server.url}/library/")
    page.get_by_role("searchbox", name="Search").fill("quokkaphasic")
    page.get_by_role("button", name="Search").click()
    wait_until_settled(page)
    results = page.locator("#library-results")
    expect(results.get_by_role("link", name=wanted.title)).to_be_visible()
    expect(results.get_by_role("link", name="Chess probes")).to_have_count(0)
    assert "q=quokkaphasic" in page.url
    assert_accessible(page, "library search on a phone")
    results.get_by_role("link", name=wanted.title).click()
    expect(page.get_by_role("heading", name=wanted.title, level=1)).to_be_visible()
    expect(page.get_by_role("link", name=wanted.team.lead.display_name)).to_be_visible()
    expect(page.get_by_role("link", name="Download the report (PDF)")).to_be_visible()
    expect(page.get_by_role("heading", name="Cite this project")).to_be_visible()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "project page on a phone")
    context.close()


def test_screenshots(browser, live_server):
    project = published(title="Sparse autoencoder features in a two-layer transformer")
    services.results_release(actor=make_organiser(project.sprint), sprint=project.sprint)
    certificate = services.certificate_issue(actor=project.team.lead, sprint=project.sprint)
    for size, options in (("desktop", DESKTOP), ("phone", PHONE)):
        context = browser.new_context(**options)
        page = context.new_page()
        prepare_page(page)
        for name, path in (
            ("library", "/library/"),
            ("project", f"/library/{project.pk}/"),
            ("certificate-check", f"/certificates/{certificate.code}/"),
        ):
            open_page(page, live_server.url + path)
            assert_accessible(page, f"{name} ({size})")
            save_screenshot(page, f"library-{name}-{size}")
        context.close()


def test_a_participant_finds_their_certificate_on_a_phone(browser, live_server):
    from django.conf import settings
    from django.test import Client

    from sprintlab.library.models import Certificate
    from tests.factories import RegistrationFactory

    project = published(title="Refusal directions in small chat models")
    sprint = project.sprint
    remote = RegistrationFactory(sprint=sprint).user
    services.results_release(actor=make_organiser(sprint), sprint=sprint)  # the task issues the certificates
    certificate = Certificate.objects.get(user=remote, sprint=sprint)
    client = Client()
    client.force_login(remote)
    context = browser.new_context(**PHONE)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    prepare_page(page)
    for name, path in (
        ("my-sprints", "/me/sprints/"),
        ("sprint-page", sprint.get_absolute_url()),
        ("results", f"/sprints/{sprint.slug}/results/"),
    ):
        open_page(page, live_server.url + path)
        link = page.get_by_role("link", name="Download my certificate (PDF)").first
        expect(link).to_be_visible()
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == f"certificate-{certificate.code}.pdf"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), name
        assert_accessible(page, f"{name} with a certificate (phone)")
        save_screenshot(page, f"library-certificate-{name}-phone")
    open_page(page, f"{live_server.url}/certificates/{certificate.code}/")
    expect(page.get_by_role("heading", name="This certificate is genuine.")).to_be_visible()
    expect(page.get_by_text(certificate.holder_name)).to_be_visible()
    save_screenshot(page, "library-certificate-genuine-phone")
    open_page(page, f"{live_server.url}/certificates/NOTAREALCODE/")
    expect(page.get_by_role("heading", name="No certificate has this code.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, "unknown certificate code (phone)")
    save_screenshot(page, "library-certificate-unknown-phone")
    context.close()
