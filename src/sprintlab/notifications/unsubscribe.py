"""Signed one-click unsubscribe links: one per person and kind, valid until the secret key changes.

The link is the only proof of who is unsubscribing (mail clients post it without a session), so it
is signed with the site's secret key and a salt of its own; it does not expire, because an old
email's link must still work (RFC 8058 asks for that), and the worst it can do is switch off one
kind of email for the person it names, which they can switch on again.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from sprintlab.notifications.models import OPTIONAL_KINDS

SALT = "sprintlab.notifications.unsubscribe"
_signer = signing.Signer(salt=SALT)


def unsubscribe_token(*, user_id: int, kind: str) -> str:
    return _signer.sign(f"{user_id}.{kind}")


def unsubscribe_url(*, user_id: int, kind: str) -> str:
    """The absolute address of the confirmation page (and of the one-click POST)."""
    path = reverse("notifications:unsubscribe", kwargs={"token": unsubscribe_token(user_id=user_id, kind=kind)})
    return settings.SITE_URL + path


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    """(user id, kind) that ``token`` names, or ``None`` for a token that was altered or names no optional kind."""
    try:
        value = _signer.unsign(token)
    except signing.BadSignature:
        return None
    user_id, _sep, kind = value.partition(".")
    if not user_id.isdigit() or kind not in {k.value for k in OPTIONAL_KINDS}:
        return None
    return int(user_id), kind


def list_unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers: mail clients show an "Unsubscribe" button that posts to ``url``."""
    targets = [f"<{url}>"]
    if settings.UNSUBSCRIBE_MAILTO:
        targets.append(f"<mailto:{settings.UNSUBSCRIBE_MAILTO}?subject=unsubscribe>")
    return {"List-Unsubscribe": ", ".join(targets), "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def with_unsubscribe_footer(*, body_text: str, body_html: str, url: str, kind_label: str) -> tuple[str, str]:
    """The bodies with a footer naming the kind and linking to ``url``; the HTML one before ``</body>``."""
    text_footer = (
        "\n\n-- \n"
        + _("You receive these emails because of your notification settings (%(kind)s).") % {"kind": kind_label}
        + "\n"
        + _("Unsubscribe: %(url)s") % {"url": url}
        + "\n"
    )
    html_footer = format_html(
        '<hr><p><small>{} <a href="{}">{}</a></small></p>',
        _("You receive these emails because of your notification settings (%(kind)s).") % {"kind": kind_label},
        url,
        _("Unsubscribe"),
    )
    if body_html:
        closing = body_html.lower().rfind("</body>")
        body_html = body_html + html_footer if closing < 0 else body_html[:closing] + html_footer + body_html[closing:]
    return body_text.rstrip("\n") + text_footer, body_html
