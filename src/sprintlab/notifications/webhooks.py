"""Chat webhooks: the outbox's second channel, a JSON post to a Discord- or Slack-compatible URL.

Discord's incoming webhooks take ``{"content": …, "username": …}``, Slack's ``{"text": …}``. The
host picks the shape (``discord.com``/``discordapp.com`` or ``hooks.slack.com``); any other host
(a self-hosted Mattermost, Rocket.Chat, a bridge) gets both keys, which those servers accept.

A webhook URL is typed by organisers, so the server must not be turned into a way to reach its own
network: only http(s), and every address the host resolves to must be public — checked when the
URL is saved and again just before each post (DNS may change in between). Tests relax the address
rule with ``WEBHOOK_ALLOW_PRIVATE_ADDRESSES`` to post to a server on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

USERNAME = "SprintLab"
# Discord refuses content over 2,000 characters; Slack splits long text itself.
DISCORD_CONTENT_LIMIT = 2000
DISCORD_HOSTS = ("discord.com", "discordapp.com", "ptb.discord.com", "canary.discord.com")
SLACK_HOSTS = ("hooks.slack.com",)


def webhook_payload(url: str, text: str) -> dict:
    host = (urlsplit(url).hostname or "").lower()
    if host in DISCORD_HOSTS:
        return {"content": text[:DISCORD_CONTENT_LIMIT], "username": USERNAME}
    if host in SLACK_HOSTS:
        return {"text": text, "username": USERNAME}
    return {"content": text[:DISCORD_CONTENT_LIMIT], "text": text, "username": USERNAME}


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return ip.is_global and not ip.is_multicast


def webhook_url_problem(url: str, *, resolve: bool = True) -> str:
    """Why ``url`` may not be used as a chat webhook, or "" when it may."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return _("A webhook address starts with https:// (or http://) and names a host.")
    if parts.username or parts.password:
        return _("A webhook address may not contain a user name or password.")
    if settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES:
        return ""
    host = parts.hostname
    if host.lower() in ("localhost",) or host.lower().endswith(".localhost"):
        return _("A webhook must point to a public server, not to this network.")
    try:
        addresses = [host] if _is_ip_literal(host) else (_resolve(host, parts.port) if resolve else [])
    except OSError:
        return _("The webhook's host name does not resolve.")
    if any(not _is_public(address) for address in addresses):
        return _("A webhook must point to a public server, not to this network.")
    return ""


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int | None) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)]


def validate_webhook_url(url: str) -> None:
    """Form and schema validator: the URL's shape and that it points to a public host."""
    problem = webhook_url_problem(url)
    if problem:
        raise ValidationError(problem, code="webhook")


class WebhookRefused(Exception):
    """The chat server answered with an error status, or the URL is not allowed."""


def post_webhook(*, url: str, text: str, timeout: float) -> None:
    """Post ``text`` to ``url``; raises on refusal, on any non-2xx answer and after ``timeout`` seconds."""
    problem = webhook_url_problem(url)
    if problem:
        raise WebhookRefused(problem)
    request = urllib.request.Request(
        url,
        data=json.dumps(webhook_payload(url, text)).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "SprintLab webhook"},
        method="POST",
    )
    try:
        with _opener().open(request, timeout=timeout) as response:
            response.read(1024)
    except urllib.error.HTTPError as exc:
        raise WebhookRefused(f"The chat server answered {exc.code}.") from exc


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A redirect could lead to an address the check above refused.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(_NoRedirects())
