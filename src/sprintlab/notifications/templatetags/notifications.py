"""The inbox badge in the site header: rendered empty and filled by htmx, so pages query nothing for it."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("notifications/_inbox_badge.html")
def inbox_badge():
    # ``load`` fetches the count once the page is shown; then every INBOX_POLL_SECONDS.
    return {"unread_count": None, "poll_seconds": settings.INBOX_POLL_SECONDS, "first": True}
