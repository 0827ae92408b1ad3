"""A team submits its report from a phone and sees the version; axe-core on the page."""

import pytest
from playwright.sync_api import expect

from sprintlab.submissions.models import Submission
from sprintlab.submissions.sample_pdf import sample_pdf
from tests.browser_support import SCREENSHOTS, assert_accessible, sign_in
from tests.submissions import factories as f
from tests.teams.factories import TrackFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def test_a_team_submits_a_pdf_on_a_phone_and_sees_the_version(page, live_server, tmp_path):
    sprint = f.running_sprint()
    TrackFactory(sprint=sprint, name="Probing for concepts")
    team = f.team_in(sprint)
    report = tmp_path / "our-report.pdf"
    report.write_bytes(sample_pdf("Negation circuits", ["We trace negation in small models."], pages=3))
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, team.lead.email, PASSWORD)

    page.goto(f"{live_server.url}{sprint.get_absolute_url()}")
    page.get_by_role("link", name="Your submission").click()
    expect(page.locator("time[data-countdown]").first).to_be_visible()
    assert_accessible(page, "submission form")
    page.get_by_label("Title").fill("Negation circuits")
    page.get_by_label("Abstract").fill("We trace how small models handle negation.")
    page.get_by_label("Track").select_option(label="Probing for concepts")
    page.get_by_label("Possibly").check()
    page.get_by_label("Info-hazard explanation").fill("The prompts could help jailbreaks.")
    page.get_by_label("Report (PDF)").set_input_files(str(report))
    page.get_by_role("button", name="Submit").click()

    expect(page.locator(".messages")).to_contain_text("Version 1 is saved")
    versions = page.locator("#version-1")
    assert "our-report.pdf" in versions.inner_text() and "3 pages" in versions.inner_text()
    assert_accessible(page, "submission saved")
    submission = Submission.objects.get(team=team)
    assert submission.info_hazard == "possible" and submission.track.name == "Probing for concepts"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "submissions-phone.png", full_page=True)
