"""Writes for a sprint's curated resources: add, change, delete, reorder, copy from a past sprint.

Only the sprint's organisers (and staff) curate them (``programme.permissions.resources_refusal``).
Each function locks the sprint first, so two reorders of one sprint never interleave.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from sprintlab.core.audit import record_audit
from sprintlab.core.errors import ServiceError
from sprintlab.core.transactions import retry_on_conflict
from sprintlab.programme.models import Resource
from sprintlab.programme.permissions import copy_resources_refusal, resources_refusal
from sprintlab.sprints.models import Sprint

RESOURCE_FIELDS = ("category", "title", "url", "notes")
UP, DOWN = "up", "down"


def _locked(sprint: Sprint, actor) -> Sprint:
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    refusal = resources_refusal(actor, sprint)
    if refusal is not None:
        raise refusal
    return sprint


def _validated(resource: Resource) -> None:
    try:
        resource.full_clean(exclude=["position"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ServiceError(exc.message_dict) from exc


def _next_position(sprint: Sprint) -> int:
    return (Resource.objects.filter(sprint=sprint).aggregate(top=Max("position"))["top"] or 0) + 1


def _locked_resource(resource: Resource, actor) -> tuple[Sprint, Resource]:
    sprint = _locked(resource.sprint, actor)
    locked = Resource.objects.select_for_update().filter(pk=resource.pk, sprint=sprint).first()
    if locked is None:
        raise ServiceError(_("This resource no longer exists."))
    locked.sprint = sprint
    return sprint, locked


@retry_on_conflict
@transaction.atomic
def resource_create(*, actor, sprint: Sprint, category: str, title: str, url: str, notes: str = "") -> Resource:
    """Add a resource at the end of its category.

    Side effects: a Resource; an audit entry. Raises: PermissionDeniedError, ServiceError (a field).
    """
    sprint = _locked(sprint, actor)
    resource = Resource(sprint=sprint, category=category, title=title, url=url, notes=notes)
    _validated(resource)
    resource.position = _next_position(sprint)
    resource.save(force_insert=True)
    record_audit(actor=actor, action="resource.create", target=resource, sprint=sprint.slug)
    return resource


@retry_on_conflict
@transaction.atomic
def resource_update(*, actor, resource: Resource, **changes) -> Resource:
    """Change a resource's category, title, link or notes (any of ``RESOURCE_FIELDS``).

    Side effects: the row; an audit entry. Raises: PermissionDeniedError, ServiceError (a field or gone).
    """
    unknown = set(changes) - set(RESOURCE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown resource fields: {sorted(unknown)}")
    _sprint, resource = _locked_resource(resource, actor)
    for field, value in changes.items():
        setattr(resource, field, value)
    _validated(resource)
    resource.save()
    record_audit(actor=actor, action="resource.update", target=resource, fields=sorted(changes))
    return resource


@retry_on_conflict
@transaction.atomic
def resource_delete(*, actor, resource: Resource) -> None:
    """Remove a resource. Side effects: the row is deleted; an audit entry. Raises: PermissionDeniedError."""
    _sprint, resource = _locked_resource(resource, actor)
    record_audit(actor=actor, action="resource.delete", target=resource, title=resource.title)
    resource.delete()


@retry_on_conflict
@transaction.atomic
def resource_move(*, actor, resource: Resource, direction: str) -> Resource:
    """Swap a resource with its neighbour above (``"up"``) or below (``"down"``) in its category.

    At the top (or bottom) already, nothing changes. Side effects: the two positions; an audit entry.
    Raises: PermissionDeniedError, ServiceError (unknown direction, resource gone).
    """
    if direction not in (UP, DOWN):
        raise ServiceError({"direction": [_("Move a resource up or down.")]})
    sprint, resource = _locked_resource(resource, actor)
    siblings = Resource.objects.filter(sprint=sprint, category=resource.category)
    if direction == UP:
        neighbour = siblings.filter(position__lte=resource.position).exclude(pk=resource.pk)
        neighbour = neighbour.order_by("-position", "-pk").first()
    else:
        neighbour = siblings.filter(position__gte=resource.position).exclude(pk=resource.pk)
        neighbour = neighbour.order_by("position", "pk").first()
    if neighbour is None:
        return resource
    if neighbour.position == resource.position:
        # Equal positions (rows copied in bulk): make room so that the swap orders them.
        neighbour.position += 1 if direction == DOWN else -1
    resource.position, neighbour.position = neighbour.position, resource.position
    Resource.objects.bulk_update([resource, neighbour], ["position"])
    record_audit(actor=actor, action="resource.move", target=resource, direction=direction)
    return resource


@retry_on_conflict
@transaction.atomic
def resources_copy_from(*, actor, sprint: Sprint, source_sprint: Sprint) -> list[Resource]:
    """Copy every resource of ``source_sprint`` to the end of ``sprint``'s, in the same order.

    Side effects: one Resource per copied row (bulk); an audit entry with the count.
    Raises: PermissionDeniedError (not an organiser of ``sprint``), ServiceError (the same sprint,
    or a source the actor may not see).
    """
    sprint = Sprint.objects.select_for_update().get(pk=sprint.pk)
    refusal = copy_resources_refusal(actor, sprint, source_sprint)
    if refusal is not None:
        raise refusal
    start = _next_position(sprint)
    copies = [
        Resource(
            sprint=sprint,
            category=original.category,
            title=original.title,
            url=original.url,
            notes=original.notes,
            position=start + index,
        )
        for index, original in enumerate(Resource.objects.filter(sprint=source_sprint).order_by("position", "pk"))
    ]
    Resource.objects.bulk_create(copies)
    record_audit(actor=actor, action="resource.copy", target=sprint, source=source_sprint.slug, count=len(copies))
    return copies
