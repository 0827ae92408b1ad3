"""The staff outbox on a phone: long lines, addresses and keys wrap instead of widening the page."""

import pytest

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.browser_support import PHONE, open_page, prepare_page, save_screenshot, sign_in
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "correct horse battery staple"
LONG_LINK = "https://sprintlab.example.org/accounts/confirm-email/" + "MQ:1xWNVd:" * 30
LONG_WORD = "x" * 400
UNBROKEN = "y" * 140  # fits the key and subject columns


def test_an_outbox_message_fits_a_phone_screen(browser, live_server):
    staff = StaffFactory()
    message = OutboxMessage.objects.create(
        key="account:email_confirmation:" + UNBROKEN,
        to_email=f"{'a' * 60}@{'long-subdomain.' * 5}example.org",
        subject="Please confirm " + UNBROKEN,
        body_text=f"Hello!\n\nTo confirm, go to {LONG_LINK}\n\n{'A long sentence without a break ' * 20}",
        body_html=f"<p>Go to <a href='{LONG_LINK}'>{LONG_LINK}</a></p><p>{LONG_WORD}</p>",
        status=OutboxStatus.FAILED,
        last_error="SMTPServerDisconnected: " + LONG_WORD,
    )
    context = browser.new_context(**PHONE)
    page = context.new_page()
    prepare_page(page)
    sign_in(page, live_server.url, staff.email, PASSWORD)
    open_page(page, f"{live_server.url}/staff/outbox/{message.pk}/")
    page.locator("details").evaluate("details => { details.open = true; }")
    save_screenshot(page, "outbox-message-phone")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()
