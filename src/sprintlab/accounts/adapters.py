"""allauth hooks: its emails (verification, password reset) leave through the outbox too."""

import uuid
from urllib.parse import unquote

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from sprintlab.core.middleware import TIMEZONE_COOKIE, resolve_timezone
from sprintlab.core.validators import MAX_EMAIL_LENGTH
from sprintlab.notifications.services import outbox_enqueue

SITE_NAME = "SprintLab"


def zone_from_browser(request) -> str:
    """The IANA zone the visitor's browser reported in its cookie, or "" when absent or unknown."""
    name = unquote(request.COOKIES.get(TIMEZONE_COOKIE, "")) if request is not None else ""
    return name if resolve_timezone(name) else ""


class AccountAdapter(DefaultAccountAdapter):
    def clean_email(self, email: str) -> str:
        # The address column holds 254 characters; a longer one must be refused here, in the form,
        # not by the database (which then answers with an error page on the second try).
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError(
                _("An email address has at most %(max)d characters."), params={"max": MAX_EMAIL_LENGTH}
            )
        return super().clean_email(email)

    def save_user(self, request, user, form, commit=True):
        # Newcomers see times in their own zone from the first page, without visiting their profile.
        if not user.timezone:
            user.timezone = zone_from_browser(request)
        return super().save_user(request, user, form, commit=commit)

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
