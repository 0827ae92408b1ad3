"""Who may announce what to whom, and when.

Sprint organisers and staff announce to any audience of the sprint; a site organiser only to the
attendees of their own site (audience "one site", or a segment limited to their site). The
refusals below are what services raise; their ``may_*`` twins are what pages, the API and the
permission matrix ask.
"""

from __future__ import annotations

from datetime import datetime

import rules
from django.utils.translation import gettext as _

from sprintlab.announcements.models import EDITABLE_STATUSES, Audience
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.permissions import is_signed_in
from sprintlab.localsites.models import SiteOrganiser, SiteStatus
from sprintlab.notifications.models import InboxItem, OutboxMessage
from sprintlab.sprints.permissions import can_manage_sprint


def organised_site_ids(user, sprint) -> set[int]:
    """The approved sites of ``sprint`` that ``user`` organises."""
    if not is_signed_in(user) or sprint is None:
        return set()
    return set(
        SiteOrganiser.objects.filter(user=user, site__sprint=sprint, site__status=SiteStatus.APPROVED).values_list(
            "site_id", flat=True
        )
    )


@rules.predicate
def organises_a_site_of(user, sprint) -> bool:
    return bool(organised_site_ids(user, sprint))


# Checked against a sprint: who may open the announcement pages and write one (to some audience).
may_announce_as = can_manage_sprint | organises_a_site_of
rules.add_perm("announcements.announce", may_announce_as)
# Every announcement of the sprint, to any audience, with its delivery figures.
rules.add_perm("announcements.manage_all", can_manage_sprint)


def audience_refusal(user, sprint, *, audience: str, site=None) -> ServiceError | None:
    """Whether ``user`` may address ``audience`` (with ``site``) in ``sprint``."""
    if not is_signed_in(user):
        return PermissionDeniedError(_("Sign in to send announcements."))
    if can_manage_sprint(user, sprint):
        return None
    own_sites = organised_site_ids(user, sprint)
    if not own_sites:
        return PermissionDeniedError(_("Only this sprint's organisers can send announcements to its people."))
    if audience in (Audience.SITE, Audience.SEGMENT) and site is not None and site.pk in own_sites:
        return None
    return PermissionDeniedError(_("As a site organiser you can only announce to your own site's attendees."))


def may_address(user, sprint, *, audience: str, site=None) -> bool:
    return audience_refusal(user, sprint, audience=audience, site=site) is None


def change_refusal(user, announcement, *, now: datetime) -> ServiceError | None:
    """Edit, schedule, send now or cancel: its audience is the user's to address, and it is not sent."""
    refusal = audience_refusal(user, announcement.sprint, audience=announcement.audience, site=announcement.site)
    if refusal:
        return refusal
    if announcement.status not in EDITABLE_STATUSES:
        return Conflict(
            _("This announcement is %(status)s; it can no longer be changed.")
            % {"status": announcement.get_status_display().lower()}
        )
    return None


def may_change(user, announcement, *, now: datetime) -> bool:
    return change_refusal(user, announcement, now=now) is None


def schedule_refusal(user, announcement, *, when: datetime | None, now: datetime) -> ServiceError | None:
    refusal = change_refusal(user, announcement, now=now)
    if refusal:
        return refusal
    if when is None or when <= now:
        return ServiceError({"scheduled_for": [_("Choose a time in the future.")]})
    return None


def may_view(user, announcement) -> bool:
    """Organisers and staff see every announcement, a site organiser those to their site, and a
    participant those sent to them (they have its inbox item or its email)."""
    if not is_signed_in(user) or announcement is None:
        return False
    if can_manage_sprint(user, announcement.sprint):
        return True
    if announcement.site_id and announcement.site_id in organised_site_ids(user, announcement.sprint):
        return True
    return was_sent_to(user, announcement)


def was_sent_to(user, announcement) -> bool:
    key = f"{announcement.key_prefix}:{user.pk}"
    return InboxItem.objects.filter(key=key, user=user).exists() or OutboxMessage.objects.filter(key=key).exists()
