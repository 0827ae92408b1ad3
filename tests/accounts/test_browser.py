"""In a real browser: sign up, fill the profile, create and revoke a token; axe-core on every page."""

import pytest
from playwright.sync_api import expect

from sprintlab.accounts.models import ApiToken, User
from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.browser_support import assert_accessible, confirm_email_from_outbox
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"


def test_sign_up_edit_profile_and_manage_tokens(page, live_server):
    base = live_server.url
    for path in ("/accounts/login/", "/accounts/password/reset/", "/accounts/login/code/"):
        page.goto(base + path)
        assert_accessible(page, path)

    page.goto(base + "/accounts/signup/")
    assert_accessible(page, "sign up")
    page.get_by_label("Email").fill("browser.person@example.org")
    page.get_by_label("Password", exact=False).first.fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_load_state()
    assert OutboxMessage.objects.filter(to_email="browser.person@example.org").exists()
    confirm_email_from_outbox(page, base, "browser.person@example.org")

    page.goto(base + "/accounts/profile/")
    assert_accessible(page, "profile")
    page.get_by_label("Display name").fill("Browser Person")
    page.get_by_label("Time zone").select_option("Asia/Kolkata")
    page.get_by_role("textbox", name="Research interests").fill("interpretability, Evals, evals")
    page.get_by_label("ORCID iD").fill("0000-0002-1825-0098")
    page.locator("input[name=public_fields][value=interests]").check()
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("checksum")).to_be_visible()  # a typo in the ORCID iD is caught, nothing saved
    assert_accessible(page, "profile with errors")
    page.get_by_label("ORCID iD").fill("0000-0002-1825-0097")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile was saved.")).to_be_visible()
    user = User.objects.get(email="browser.person@example.org")
    assert user.timezone == "Asia/Kolkata" and user.orcid == "0000-0002-1825-0097"

    page.goto(base + f"/people/{user.pk}/")
    expect(page.get_by_role("heading", name="Browser Person")).to_be_visible()
    expect(page.get_by_text("interpretability")).to_be_visible()
    assert_accessible(page, "public profile")

    page.goto(base + "/accounts/tokens/")
    page.get_by_label("Token name").fill("laptop")
    page.get_by_role("button", name="Create token").click()
    secret = page.locator("#new-token-secret").input_value()
    assert ApiToken.objects.get(user=user).key_hash == ApiToken.hash_key(secret)
    assert_accessible(page, "tokens")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke laptop").click()
    page.wait_for_load_state()
    expect(page.get_by_text("no longer works")).to_be_visible()
    assert ApiToken.objects.get(user=user).revoked_at is not None


def test_staff_outbox_pages_are_accessible(page, live_server):
    StaffFactory(email="staff@example.org")
    message = OutboxMessage.objects.create(
        key="k",
        to_email="someone@example.org",
        subject="Your seat",
        body_text="Hello",
        body_html="<p>Hello</p>",
        status=OutboxStatus.FAILED,
        last_error="timeout",
    )
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("staff@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/staff/outbox/?status=failed")
    assert_accessible(page, "outbox")
    page.get_by_role("link", name="Your seat").click()
    assert_accessible(page, "outbox message")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Resend").click()
    page.wait_for_load_state()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
