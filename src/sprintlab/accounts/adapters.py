"""allauth hooks: its emails (verification, password reset) leave through the outbox too."""

import uuid

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.template.loader import render_to_string

from sprintlab.notifications.services import outbox_enqueue

SITE_NAME = "SprintLab"


class AccountAdapter(DefaultAccountAdapter):
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
    pass
