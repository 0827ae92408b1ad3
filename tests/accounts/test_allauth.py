"""Sign-up, sign-in and password pages: our layout, labelled fields, emails through the outbox."""

import re

import pytest
from django.test import override_settings
from django.urls import reverse

from sprintlab.notifications.models import OutboxMessage, OutboxStatus
from tests.accounts.html import assert_every_input_is_labelled
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"


@pytest.mark.parametrize("url_name", ["account_login", "account_signup", "account_reset_password"])
def test_entrance_pages_use_the_site_layout_with_labels(client, url_name):
    response = client.get(reverse(url_name))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html and "sprintlab/app.css" in html
    assert 'class="card auth-form"' in html
    assert_every_input_is_labelled(html)


@pytest.mark.parametrize("url_name", ["account_change_password", "account_email", "account_logout"])
def test_account_pages_use_the_site_layout(client, url_name):
    client.force_login(UserFactory())
    html = client.get(reverse(url_name)).content.decode()
    assert 'class="site-header"' in html
    assert_every_input_is_labelled(html)
    if url_name != "account_logout":
        assert f'href="{reverse(url_name)}" aria-current="page"' in html  # the account tabs


def test_password_change_works_and_keeps_the_person_signed_in(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a new long passphrase 42",
            "password2": "a new long passphrase 42",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a new long passphrase 42")
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_no_social_buttons_without_keys(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Continue with" not in html


@override_settings(
    SOCIALACCOUNT_PROVIDERS={
        "github": {"APPS": [{"client_id": "gh-id", "secret": "s", "key": ""}]},
        "orcid": {"APPS": [{"client_id": "orcid-id", "secret": "s", "key": ""}]},
    }
)
def test_social_buttons_appear_for_configured_providers_only(client):
    html = client.get(reverse("account_login")).content.decode()
    assert "Continue with GitHub" in html
    assert "Continue with ORCID" in html
    assert "Continue with Google" not in html


def test_signup_sends_a_verification_email_through_the_outbox(client, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("account_signup"),
            {
                "email": "new.person@example.org",
                "password1": PASSWORD,
                "password2": PASSWORD,
            },
        )
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to_email="new.person@example.org")
    assert message.status == OutboxStatus.SENT
    assert "/accounts/confirm-email/" in message.body_text
    assert message.user.email == "new.person@example.org"
    assert message.subject.startswith("[SprintLab] ")
    assert message.body_text.startswith("Hello from SprintLab!")
    # The site is named, not left blank ("register an account on .").
    assert "register an account on SprintLab (http" in message.body_text
    assert [m.to for m in mailoutbox] == [["new.person@example.org"]]


@override_settings(ACCOUNT_EMAIL_VERIFICATION="optional")
def test_optional_verification_lets_a_new_person_in_at_once(client):
    client.post(reverse("account_signup"), {"email": "quick@example.org", "password1": PASSWORD, "password2": PASSWORD})
    assert client.get(reverse("accounts:profile")).status_code == 200


@override_settings(ACCOUNT_EMAIL_VERIFICATION="mandatory")
def test_mandatory_verification_holds_a_new_person_at_the_door(client):
    response = client.post(
        reverse("account_signup"), {"email": "careful@example.org", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_signup_with_a_weak_password_or_taken_email_shows_why(client):
    UserFactory(email="taken@example.org")
    html = client.post(
        reverse("account_signup"),
        {
            "email": "taken@example.org",
            "password1": "123",
            "password2": "123",
        },
    ).content.decode()
    assert "already registered" in html or "too short" in html
    assert OutboxMessage.objects.filter(to_email="taken@example.org").count() <= 1  # at most "account exists"


def test_password_reset_email_goes_through_the_outbox(client, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(email="forgetful@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": "forgetful@example.org"})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(to_email="forgetful@example.org")
    assert "/accounts/password/reset/key/" in message.body_text
    assert message.user.email == "forgetful@example.org"
    assert len(mailoutbox) == 1


def test_sign_in_with_email_and_password(client):
    UserFactory(email="member@example.org")
    response = client.post(reverse("account_login"), {"login": "member@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("accounts:tokens")).status_code == 200


def test_wrong_password_gets_a_clear_message(client):
    UserFactory(email="member@example.org")
    html = client.post(reverse("account_login"), {"login": "member@example.org", "password": "nope"}).content.decode()
    assert "not correct" in html


def test_the_link_in_the_verification_email_verifies_the_address(client, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"), {"email": "verify.me@example.org", "password1": PASSWORD, "password2": PASSWORD}
        )
    body = OutboxMessage.objects.get(to_email="verify.me@example.org").body_text
    path = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", body).group(1)
    page = client.get(path)
    assert page.status_code == 200 and 'class="site-header"' in page.content.decode()
    client.post(path)
    assert EmailAddress.objects.get(email="verify.me@example.org").verified


def test_the_link_in_the_reset_email_sets_a_new_password(client, django_capture_on_commit_callbacks):
    user = UserFactory(email="reset.me@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "reset.me@example.org"})
    body = OutboxMessage.objects.get(to_email="reset.me@example.org").body_text
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+)", body).group(1)
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    assert_every_input_is_labelled(form_page.content.decode())
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {
            "password1": "a brand new passphrase 7",
            "password2": "a brand new passphrase 7",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a brand new passphrase 7")


ANONYMOUS_PAGES = [
    "account_reset_password_done",
    "account_reset_password_from_key_done",
    "account_email_verification_sent",
    "account_inactive",
    "socialaccount_login_cancelled",
]
SIGNED_IN_PAGES = ["account_logout", "account_reauthenticate", "socialaccount_connections"]


@pytest.mark.parametrize("url_name", ANONYMOUS_PAGES + SIGNED_IN_PAGES)
def test_every_other_allauth_page_renders_in_the_site_layout(client, url_name):
    if url_name in SIGNED_IN_PAGES:
        client.force_login(UserFactory())
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert 'class="site-header"' in response.content.decode()


@override_settings(SOCIALACCOUNT_PROVIDERS={"google": {"APPS": [{"client_id": "g", "secret": "s", "key": ""}]}})
def test_connected_accounts_tab_appears_only_with_providers(client):
    client.force_login(UserFactory())
    assert "Connected accounts" in client.get(reverse("socialaccount_connections")).content.decode()
    with override_settings(SOCIALACCOUNT_PROVIDERS={}):
        assert "Connected accounts" not in client.get(reverse("accounts:profile")).content.decode()
