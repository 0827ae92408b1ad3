"""Writes to the in-app inbox: other apps add items, each person marks their own as read.

``inbox_add`` and ``inbox_add_many`` are infrastructure like ``outbox_enqueue``: a service of a
higher app calls them inside its own transaction, after checking its own actor, for the people
who want the kind in the app (``selectors.channels_by_user``). The key makes writing the same
item twice harmless, so a fan-out task that runs again adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import PermissionDeniedError
from sprintlab.core.markdown import sanitise_html
from sprintlab.notifications.models import InboxItem

BULK_BATCH_SIZE = 1_000


def _safe_url(url: str) -> str:
    """A link the inbox may open: a path on this site or an http(s) address; anything else is dropped."""
    url = (url or "").strip()[:500]
    # "//host" and "/\\host" leave the site in browsers despite the leading slash.
    on_this_site = url.startswith("/") and not url.startswith(("//", "/\\"))
    if on_this_site or url.startswith(("https://", "http://")):
        return url
    return ""


def _prepared(item: InboxItem, sanitised: dict[str, str]) -> InboxItem:
    item.key = item.key[:200]
    item.title = " ".join(item.title.split())[:300]
    if item.body_html not in sanitised:
        sanitised[item.body_html] = sanitise_html(item.body_html)
    item.body_html = sanitised[item.body_html]
    item.url = _safe_url(item.url)
    return item


def inbox_add(*, key: str, user, kind: str, title: str, body_html: str = "", url: str = "") -> InboxItem | None:
    """Add one item to ``user``'s inbox; returns it, or ``None`` when ``key`` was already written.

    ``body_html`` is sanitised here (use ``core.markdown.render_markdown`` for Markdown); ``url`` must
    be a path on this site or an http(s) address, else the item has no link.
    """
    added = inbox_add_many(items=[InboxItem(key=key, user=user, kind=kind, title=title, body_html=body_html, url=url)])
    return InboxItem.objects.get(key=key[:200]) if added else None


def inbox_add_many(*, items: Iterable[InboxItem], batch_size: int = BULK_BATCH_SIZE) -> int:
    """Insert unsaved ``InboxItem`` rows in bulk, skipping keys that exist; returns how many were new.

    Two statements per ``batch_size`` rows (a count of the keys already written, then an INSERT with
    ``ON CONFLICT DO NOTHING`` on the key), so a fan-out to ten thousand people is twenty statements.
    The same body is sanitised once for every recipient.
    """
    sanitised: dict[str, str] = {}
    added = 0
    batch: list[InboxItem] = []
    for item in items:
        batch.append(_prepared(item, sanitised))
        if len(batch) >= batch_size:
            added += _insert(batch)
            batch = []
    if batch:
        added += _insert(batch)
    return added


def _insert(batch: list[InboxItem]) -> int:
    # Keys written before this batch (by an earlier run of the same fan-out) are skipped; a
    # concurrent writer of the same keys could make the returned count a little high, never the rows.
    keys = {item.key for item in batch}
    existing = InboxItem.objects.filter(key__in=keys).count()
    InboxItem.objects.bulk_create(batch, ignore_conflicts=True)
    return len(keys) - existing


@transaction.atomic
def inbox_mark_read(*, actor, item: InboxItem) -> InboxItem:
    """Mark one of the actor's own items as read (again: nothing changes). Audited.

    Raises ``PermissionDeniedError`` for someone else's item.
    """
    if not actor.has_perm("notifications.read_inbox_item", item):
        raise PermissionDeniedError(_("This notification is not yours."))
    item = InboxItem.objects.select_for_update().get(pk=item.pk)
    if item.read_at is None:
        item.read_at = timezone.now()
        item.save(update_fields=["read_at"])
        record_audit(actor=actor, action="inbox.mark_read", target=item)
    return item


@transaction.atomic
def inbox_mark_all_read(*, actor) -> int:
    """Mark every unread item of the actor's as read; returns how many. Audited when any changed.

    Raises ``PermissionDeniedError`` for a visitor who is not signed in.
    """
    if not actor.has_perm("notifications.use_inbox"):
        raise PermissionDeniedError(_("Sign in to see your notifications."))
    changed = InboxItem.objects.filter(user=actor, read_at__isnull=True).update(read_at=timezone.now())
    if changed:
        record_audit(actor=actor, action="inbox.mark_all_read", target=actor, count=changed)
    return changed
