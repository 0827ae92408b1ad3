"""allauth hooks: its emails leave through the outbox too, and password sign-ins are throttled per
(account, address) (accounts/ratelimits.py)."""

import uuid
from urllib.parse import unquote

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_lazy as _

from sprintlab.accounts import ratelimits
from sprintlab.core.middleware import TIMEZONE_COOKIE
from sprintlab.core.timezones import canonical_zone_name, resolve_timezone
from sprintlab.core.validators import MAX_EMAIL_LENGTH
from sprintlab.notifications.services import outbox_enqueue

SITE_NAME = "SprintLab"


def zone_from_browser(request) -> str:
    """The IANA zone the visitor's browser reported in its cookie, or "" when absent or unknown."""
    name = unquote(request.COOKIES.get(TIMEZONE_COOKIE, "")) if request is not None else ""
    return canonical_zone_name(name) if resolve_timezone(name) else ""


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # The address column holds 254 characters; a longer one must be refused here, in the form,
        # not by the database (which then answers with an error page on the second try).
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError(
                _("An email address has at most %(max)d characters."), params={"max": MAX_EMAIL_LENGTH}
            )
        return super().clean_email(email)

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": _(
            "Too many unsuccessful sign-in attempts for this account from your network: wait a few minutes "
            "before trying your password again, or sign in now with a code sent to your email."
        ),
    }

    def _signin_pair(self, request, credentials) -> dict:
        return {
            "email": credentials.get("email") or credentials.get("username") or "",
            "address": ratelimits.network_of(self.get_client_ip(request)),
        }

    def pre_authenticate(self, request, **credentials):
        # Replaces allauth's per-address and per-account counts, which let a stranger lock anyone out:
        # only this (account, address) pair is slowed (accounts/ratelimits.py).
        if not ratelimits.password_attempt_begin(**self._signin_pair(request, credentials)):
            raise self.validation_error("too_many_login_attempts")

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is not None:
            ratelimits.password_attempt_succeeded(**self._signin_pair(request, credentials))
        return user

    def authentication_failed(self, request, **credentials):
        ratelimits.password_attempt_failed(address=self._signin_pair(request, credentials)["address"])

    def save_user(self, request, user, form, commit=True):
        # Newcomers see times in their own zone from the first page, without visiting their profile.
        if not user.timezone:
            user.timezone = zone_from_browser(request)
        return super().save_user(request, user, form, commit=commit)

    def send_account_already_exists_mail(self, email: str) -> None:
        # Sign-up answers a taken address like a new one; hash a password as a new sign-up does, so
        # that the response time does not tell the two apart either.
        make_password(get_random_string(32))
        super().send_account_already_exists_mail(email)

    def format_email_subject(self, subject: str) -> str:
        # Without django.contrib.sites allauth would prefix the host name ("[127.0.0.1:8000] …").
        prefix = app_settings.EMAIL_SUBJECT_PREFIX
        return (f"[{SITE_NAME}] " if prefix is None else prefix) + str(subject)

    def send_mail(self, template_prefix, email, context):
        context = {**context, "email": email, "site_name": SITE_NAME, "site_url": settings.SITE_URL}
        subject = self.format_email_subject(
            render_to_string(f"{template_prefix}_subject.txt", context, request=self.request).strip()
        )
        body = render_to_string(f"{template_prefix}_message.txt", context, request=self.request)
        # Link the message to the person when allauth knows them (staff can then find it by person).
        user = context.get("user")
        user = user if getattr(user, "pk", None) and not getattr(user, "is_anonymous", False) else None
        # Each allauth email is unique (fresh keys and codes), so a random key never merges two.
        outbox_enqueue(
            key=f"account:{template_prefix}:{uuid.uuid4()}", to_email=email, subject=subject, body_text=body, user=user
        )


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        if not user.timezone:
            user.timezone = zone_from_browser(request)
        return user
