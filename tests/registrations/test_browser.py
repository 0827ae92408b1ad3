"""The registration pages in Chromium: register on a phone, see it under my sprints, admissions; axe-core on each."""

import pytest
from playwright.sync_api import expect

from sprintlab.registrations.models import Registration, RegistrationStatus
from sprintlab.sprints.models import AdmissionMode
from tests.browser_support import assert_accessible, sign_in
from tests.factories import LocalSiteFactory, SprintFactory, SprintMembershipFactory, UserFactory
from tests.registrations.helpers import register

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
PHONE = {"width": 390, "height": 844}


def test_register_at_a_site_on_a_phone_then_switch_to_remote(page, live_server):
    sprint = SprintFactory(code_of_conduct="Be **kind**.")
    site = LocalSiteFactory(sprint=sprint, name="Oxford Commons", city="Oxford")
    user = UserFactory()
    page.set_viewport_size(PHONE)
    sign_in(page, live_server.url, user.email, PASSWORD)

    page.goto(f"{live_server.url}/sprints/{sprint.slug}/register/?site={site.pk}")
    assert_accessible(page, "register")
    page.get_by_label("Your experience with AI safety research").select_option("some")
    page.get_by_text("Read the code of conduct").click()
    expect(page.locator(".reg-coc strong")).to_have_text("kind")
    page.get_by_label("I have read and accept the code of conduct").check()
    page.get_by_role("button", name="Register").click()

    expect(page.locator(".messages")).to_contain_text("your seat is confirmed")
    expect(page.locator(".reg-card")).to_contain_text("Oxford Commons")
    assert_accessible(page, "my sprints")
    page.get_by_text("Switch between remote and a site").click()
    page.get_by_label("Switch to").select_option("remote")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Switch", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("You switched to remote")
    assert Registration.objects.get(user=user).site_id is None


def test_admissions_page_sends_a_wave(page, live_server):
    sprint = SprintFactory(admission_mode=AdmissionMode.REVIEWED)
    site = LocalSiteFactory(sprint=sprint, capacity=5)
    applicant = register(sprint=sprint, site=site, motivation="<b>not bold</b>")
    organiser = SprintMembershipFactory(sprint=sprint).user
    sign_in(page, live_server.url, organiser.email, PASSWORD)

    page.goto(f"{live_server.url}/sprints/{sprint.slug}/admissions/")
    assert_accessible(page, "admissions")
    page.get_by_label(f"Select {applicant.user.name}").check()
    page.get_by_label("Decision for the selected people").select_option("decline")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Send wave").click()
    expect(page.locator(".messages")).to_contain_text("Wave 1 sent")
    assert Registration.objects.get(pk=applicant.pk).status == RegistrationStatus.DECLINED
