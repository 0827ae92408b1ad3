"""allauth hooks: its emails (verification, password reset) leave through the outbox too."""

import uuid

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.template.loader import render_to_string

from sprintlab.notifications.services import outbox_enqueue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        context = {**context, "email": email}
        subject = self.format_email_subject(
            render_to_string(f"{template_prefix}_subject.txt", context, request=self.request).strip()
        )
        body = render_to_string(f"{template_prefix}_message.txt", context, request=self.request)
        # Each allauth email is unique (fresh keys and codes), so a random key never merges two.
        outbox_enqueue(key=f"account:{template_prefix}:{uuid.uuid4()}", to_email=email, subject=subject, body_text=body)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    pass
