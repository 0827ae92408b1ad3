"""Every write to sprints: create, update, clone, memberships (the team) and partners.

Validation lives in the models' ``clean()`` and runs here through ``full_clean()``, so the page
forms and the API refuse exactly the same input with the same messages.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.core.validators import DATETIME_WINDOW_MESSAGE, datetime_in_window, shifted_in_window
from sprintlab.notifications.webhooks import webhook_url_problem
from sprintlab.sprints.models import Partner, Prize, Sprint, SprintMembership, SprintRole, Track
from sprintlab.sprints.signals import capacity_changed

# Fields a caller may set through sprint_create/sprint_update (the rest belongs to the system).
EDITABLE_FIELDS = (
    "title",
    "slug",
    "research_area",
    "tagline",
    "description",
    "rules",
    "code_of_conduct",
    "cover_image",
    "capacity",
    "remote_allowed",
    "admission_mode",
    "confirm_window_hours",
    "is_published",
    "team_size_min",
    "team_size_max",
    "team_formation_closes_at",
    "announced_at",
    "registration_opens_at",
    "registration_closes_at",
    "kickoff_at",
    "submission_deadline_at",
    "submission_grace_minutes",
    "judging_ends_at",
    "results_published_at",
    "chat_webhook_url",
)
# Times that move together when a sprint is cloned onto new dates.
SHIFTED_FIELDS = tuple(field for field, _label in Sprint.TIMELINE_FIELDS) + (
    "registration_closes_at",
    "team_formation_closes_at",
)
# Settings and text a clone copies as they are.
COPIED_FIELDS = (
    "research_area",
    "tagline",
    "description",
    "rules",
    "code_of_conduct",
    "cover_image",
    "capacity",
    "remote_allowed",
    "admission_mode",
    "confirm_window_hours",
    "team_size_min",
    "team_size_max",
    "submission_grace_minutes",
)
TRACK_FIELDS = ("name", "description")
PRIZE_FIELDS = ("name", "amount", "description")


def _validate(instance, *, prefix: str = "") -> None:
    """Run the model's own validation; re-raise as a ServiceError keyed by field (``prefix`` for children)."""
    try:
        instance.full_clean()
    except ValidationError as exc:
        if prefix:
            raise ServiceError(
                {prefix: [f"{field}: {m}" for field, msgs in exc.message_dict.items() for m in msgs]}
            ) from exc
        raise ServiceError(exc.error_dict) from exc


def _apply_values(sprint: Sprint, values: Mapping[str, Any]) -> list[str]:
    """Set the editable fields given in ``values`` on ``sprint``; return the names that changed."""
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceError({name: [_("This field cannot be set.")] for name in sorted(unknown)})
    webhook = values.get("chat_webhook_url")
    # Only http(s) to a public host: a webhook must not make the server post into its own network.
    if webhook and webhook != sprint.chat_webhook_url and (problem := webhook_url_problem(webhook)):
        raise ServiceError({"chat_webhook_url": [problem]})
    changed = []
    for name, value in values.items():
        if name == "cover_image":
            if value is None:  # no new upload: keep the current image
                continue
            value = value or ""  # False from a cleared file input removes the image
        if getattr(sprint, name) != value:
            changed.append(name)
        setattr(sprint, name, value)
    return changed


def _save_children(
    sprint: Sprint, model, rows: Sequence[Mapping[str, Any]], fields: tuple[str, ...], label: str
) -> None:
    """Make ``sprint``'s tracks or prizes match ``rows``: update those with an ``id``, add new, drop the rest."""
    existing = {child.pk: child for child in model.objects.filter(sprint=sprint)}
    keep = set()
    for position, row in enumerate(rows):
        child_id = row.get("id")
        if child_id is not None and child_id not in existing:
            raise ServiceError(
                {
                    label: [
                        _("Item %(position)s refers to an unknown id %(id)s.")
                        % {"position": position + 1, "id": child_id}
                    ]
                }
            )
        child = existing.get(child_id) or model(sprint=sprint)
        for field in fields:
            setattr(child, field, row.get(field, "") or "")
        child.position = position
        _validate(child, prefix=label)
        child.save()
        keep.add(child.pk)
    model.objects.filter(sprint=sprint).exclude(pk__in=keep).delete()


def _save_sprint(sprint: Sprint) -> None:
    try:
        with transaction.atomic():
            sprint.save()
    except IntegrityError as exc:
        # Two requests raced for the same slug; full_clean saw it free a moment ago.
        raise ServiceError({"slug": [_("A sprint with this slug already exists.")]}) from exc


@transaction.atomic
def sprint_create(
    *,
    actor,
    values: Mapping[str, Any],
    partners: Iterable[Partner] = (),
    tracks: Sequence[Mapping[str, Any]] = (),
    prizes: Sequence[Mapping[str, Any]] = (),
) -> Sprint:
    """Create a sprint from ``values`` (see EDITABLE_FIELDS) with its partners, tracks and prizes.

    Only staff and holders of the organiser role may (``sprints.create_sprint``).
    Side effects: ``actor`` becomes an organiser of the new sprint; an audit entry "sprint.create".
    Raises ServiceError with messages per field when anything is invalid; then nothing is saved.
    """
    if not actor.has_perm("sprints.create_sprint"):
        raise PermissionDeniedError(_("Only staff and people with the organiser role create sprints."))
    sprint = Sprint(created_by=actor)
    _apply_values(sprint, values)
    _validate(sprint)
    _save_sprint(sprint)
    sprint.partners.set(partners)
    _save_children(sprint, Track, tracks, TRACK_FIELDS, "tracks")
    _save_children(sprint, Prize, prizes, PRIZE_FIELDS, "prizes")
    SprintMembership.objects.create(sprint=sprint, user=actor, role=SprintRole.ORGANISER)
    record_audit(actor=actor, action="sprint.create", target=sprint, slug=sprint.slug)
    return sprint


@retry_on_conflict
@transaction.atomic
def sprint_update(
    *,
    actor,
    sprint: Sprint,
    values: Mapping[str, Any],
    partners: Iterable[Partner] | None = None,
    tracks: Sequence[Mapping[str, Any]] | None = None,
    prizes: Sequence[Mapping[str, Any]] | None = None,
) -> Sprint:
    """Change the fields in ``values``; replace partners, tracks or prizes when given (None keeps them).

    Side effects: an audit entry "sprint.update" listing the changed fields (and "sprint.publish" or
    "sprint.unpublish" when the switch flips); a changed capacity gives new seats to waiting people
    (``capacity_changed``); a changed title, kickoff or deadline raises ``calendar_sequence``. Invalid input raises ServiceError and changes nothing.
    """
    if not actor.has_perm("sprints.change_sprint", sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers and staff change it."))
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    was_published = sprint.is_published
    changed = _apply_values(sprint, values)
    _validate(sprint)
    if Sprint.CALENDAR_FIELDS.intersection(changed):
        sprint.calendar_sequence += 1  # read under the row's lock above
    _save_sprint(sprint)
    if "capacity" in changed:
        capacity_changed.send(sender=Sprint, sprint=sprint, site=None)
    if partners is not None:
        sprint.partners.set(partners)
        changed.append("partners")
    if tracks is not None:
        _save_children(sprint, Track, tracks, TRACK_FIELDS, "tracks")
        changed.append("tracks")
    if prizes is not None:
        _save_children(sprint, Prize, prizes, PRIZE_FIELDS, "prizes")
        changed.append("prizes")
    record_audit(actor=actor, action="sprint.update", target=sprint, fields=sorted(set(changed)))
    if sprint.is_published != was_published:
        record_audit(actor=actor, action="sprint.publish" if sprint.is_published else "sprint.unpublish", target=sprint)
    return sprint


@transaction.atomic
def sprint_clone(*, actor, source: Sprint, kickoff_at: datetime, slug: str, title: str = "") -> Sprint:
    """Copy ``source`` as an unpublished draft whose whole timeline moves so that kickoff is ``kickoff_at``.

    Copies text, settings, partners, tracks, prizes and organiser/co-host memberships; ``actor``
    becomes an organiser too. Side effects: an audit entry "sprint.clone" on the new sprint.
    """
    if not actor.has_perm("sprints.clone_sprint", source):
        raise PermissionDeniedError(_("Only the sprint's organisers and staff clone it."))
    if not datetime_in_window(kickoff_at):
        raise ServiceError({"kickoff_at": [DATETIME_WINDOW_MESSAGE]})
    delta = kickoff_at - source.kickoff_at
    clone = Sprint(
        title=title or source.title,
        slug=slug,
        is_published=False,
        created_by=actor,
        **{field: getattr(source, field) for field in COPIED_FIELDS},
    )
    for field in SHIFTED_FIELDS:
        value = getattr(source, field)
        moved = shifted_in_window(value, delta) if value is not None else None
        if value is not None and moved is None:
            # The new kickoff is what the person chose, so that is where the message belongs.
            raise ServiceError(
                {
                    "kickoff_at": [
                        _("Moved to this kickoff, “%(step)s” would fall outside the accepted dates. %(window)s")
                        % {"step": Sprint._meta.get_field(field).verbose_name, "window": DATETIME_WINDOW_MESSAGE}
                    ]
                }
            )
        setattr(clone, field, moved)
    _validate(clone)
    _save_sprint(clone)
    clone.partners.set(source.partners.all())
    Track.objects.bulk_create(
        Track(sprint=clone, name=t.name, description=t.description, position=t.position) for t in source.tracks.all()
    )
    Prize.objects.bulk_create(
        Prize(sprint=clone, name=p.name, amount=p.amount, description=p.description, position=p.position)
        for p in source.prizes.all()
    )
    SprintMembership.objects.bulk_create(
        SprintMembership(sprint=clone, user_id=m.user_id, role=m.role, partner_id=m.partner_id)
        for m in source.memberships.all()
    )
    SprintMembership.objects.get_or_create(sprint=clone, user=actor, role=SprintRole.ORGANISER)
    record_audit(
        actor=actor,
        action="sprint.clone",
        target=clone,
        source=source.slug,
        shifted_by_seconds=int(delta.total_seconds()),
    )
    return clone


@dataclass(frozen=True)
class MembershipAdded:
    """What ``sprint_membership_add`` did: the membership, and whether it is new (False: it existed)."""

    membership: SprintMembership
    created: bool


@transaction.atomic
def sprint_membership_add(*, actor, sprint: Sprint, user, role: str, partner: Partner | None = None) -> MembershipAdded:
    """Give ``user`` the ``role`` (organiser, co-host, mentor or judge) in ``sprint``; adding it twice changes nothing.

    A co-host represents one of the sprint's partner organisations; an organiser or a mentor represents
    none (a mentor's profile and office hours live in the mentoring app).
    Returns the membership and whether it is new, so callers can say "nothing changed".
    Side effects: an audit entry "sprint.membership_add" when the role is new.
    """
    if not actor.has_perm("sprints.change_sprint", sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers and staff change its team."))
    if role not in SprintRole.values:
        raise ServiceError({"role": [_("Choose organiser, partner co-host, mentor or judge.")]})
    if role == SprintRole.COHOST:
        if partner is None:
            raise ServiceError({"partner": [_("Choose the partner organisation this co-host represents.")]})
        if not sprint.partners.filter(pk=partner.pk).exists():
            raise ServiceError({"partner": [_("Choose one of this sprint's partner organisations.")]})
    else:
        partner = None
    membership, created = SprintMembership.objects.get_or_create(
        sprint=sprint, user=user, role=role, defaults={"partner": partner}
    )
    if created:
        record_audit(
            actor=actor,
            action="sprint.membership_add",
            target=sprint,
            user_id=user.pk,
            role=role,
            partner_id=partner.pk if partner else None,
        )
    return MembershipAdded(membership=membership, created=created)


@transaction.atomic
def sprint_membership_remove(*, membership: SprintMembership, actor) -> None:
    """Take a person's role in a sprint away; the sprint's last organiser stays.

    Side effects: an audit entry "sprint.membership_remove".
    """
    if not actor.has_perm("sprints.change_sprint", membership.sprint):
        raise PermissionDeniedError(_("Only the sprint's organisers and staff change its team."))
    if membership.role == SprintRole.ORGANISER:
        # Lock the organiser rows so two organisers removing each other at once cannot leave none.
        organiser_ids = list(
            SprintMembership.objects.select_for_update()
            .filter(sprint_id=membership.sprint_id, role=SprintRole.ORGANISER)
            .values_list("pk", flat=True)
        )
        if not any(pk != membership.pk for pk in organiser_ids):
            raise Conflict(_("A sprint needs at least one organiser: add another organiser before removing this one."))
    record_audit(
        actor=actor,
        action="sprint.membership_remove",
        target=membership.sprint,
        user_id=membership.user_id,
        role=membership.role,
        partner_id=membership.partner_id,
    )
    membership.delete()


@transaction.atomic
def partner_create(*, actor, name: str, url: str = "", logo=None) -> Partner:
    """Add a partner organisation (``sprints.create_partner``). Side effects: an audit entry "partner.create"."""
    if not actor.has_perm("sprints.create_partner"):
        raise PermissionDeniedError(_("Only staff and sprint organisers add partner organisations."))
    partner = Partner(name=name.strip(), url=url, logo=logo or "")
    _validate(partner)
    partner.save()
    record_audit(actor=actor, action="partner.create", target=partner, name=partner.name)
    return partner
