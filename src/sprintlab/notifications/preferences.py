"""Writes of each person's notification preferences: the preferences page and API, and unsubscribing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import PermissionDeniedError, ServiceError
from sprintlab.notifications.models import OPTIONAL_KINDS, NotificationPreference
from sprintlab.notifications.selectors import notification_preferences


@dataclass(frozen=True)
class Channels:
    """Whether a person wants one kind of notification by email and in the app."""

    email: bool = True
    in_app: bool = True


def _refuse_unless_allowed(actor) -> None:
    if not actor.has_perm("notifications.change_preferences"):
        raise PermissionDeniedError(_("Sign in to change your notification preferences."))


@transaction.atomic
def notification_preferences_update(*, actor, channels: Mapping[str, Channels]) -> dict[str, Channels]:
    """Set the actor's channels for the optional kinds in ``channels`` (others stay as they were).

    Returns every optional kind's channels after the change. Side effects: one row per kind that
    changed (a kind back to both channels on keeps its row), an audit entry listing the changes.
    Raises ``ServiceError`` for a kind that cannot be switched (transactional messages always go
    out) and ``PermissionDeniedError`` for a visitor who is not signed in.
    """
    _refuse_unless_allowed(actor)
    optional = {kind.value for kind in OPTIONAL_KINDS}
    unknown = sorted(set(channels) - optional)
    if unknown:
        raise ServiceError(
            _("These notifications cannot be switched off: %(kinds)s.")
            % {"kinds": ", ".join(kind[:40] for kind in unknown[:5])}
        )
    current = _current_channels(actor)
    changes = {}
    for kind, wanted in channels.items():
        if current[kind] != wanted:
            NotificationPreference.objects.update_or_create(
                user=actor, kind=kind, defaults={"email": wanted.email, "in_app": wanted.in_app}
            )
            changes[kind] = {"email": wanted.email, "in_app": wanted.in_app}
            current[kind] = wanted
    if changes:
        record_audit(actor=actor, action="notifications.preferences_update", target=actor, changes=changes)
    return current


@transaction.atomic
def notification_email_unsubscribe(*, actor, kind: str) -> bool:
    """Turn off email for one optional ``kind`` for the actor (the person an unsubscribe link names).

    Returns whether anything changed (a second click changes nothing). In-app notifications stay
    as they were. Side effects: the preference row and an audit entry. Raises ``ServiceError``
    for a kind that cannot be switched off.
    """
    current = _current_channels(actor).get(kind)
    if current is None:
        raise ServiceError(_("These notifications cannot be switched off."))
    if not current.email:
        return False
    notification_preferences_update(actor=actor, channels={kind: Channels(email=False, in_app=current.in_app)})
    record_audit(actor=actor, action="notifications.unsubscribe", target=actor, kind=kind)
    return True


def _current_channels(user) -> dict[str, Channels]:
    return {row.kind: Channels(email=row.email, in_app=row.in_app) for row in notification_preferences(user=user)}
