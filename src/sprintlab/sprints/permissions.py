"""Who may do what with a sprint. Views and the API ask ``user.has_perm("sprints.<action>", sprint)``."""

import rules
from django.core.cache import cache

from sprintlab.core.permissions import is_staff
from sprintlab.sprints.models import SprintRole

# How long the navigation may remember whether someone runs a sprint; a change to their roles
# forgets it at once (sprints.receivers), this only bounds writes that send no signal (bulk ones).
RUNS_ANY_SPRINT_SECONDS = 60


def _has_sprint_role(user, sprint, roles: tuple[str, ...]) -> bool:
    if not (user and user.is_authenticated and sprint is not None):
        return False
    return sprint.memberships.filter(user=user, role__in=roles).exists()


@rules.predicate
def is_sprint_organiser(user, sprint) -> bool:
    return _has_sprint_role(user, sprint, (SprintRole.ORGANISER,))


@rules.predicate
def is_sprint_cohost(user, sprint) -> bool:
    return _has_sprint_role(user, sprint, (SprintRole.COHOST,))


@rules.predicate
def is_published(user, sprint) -> bool:
    return bool(sprint is not None and sprint.is_published)


@rules.predicate
def organises_any_sprint(user) -> bool:
    if not (user and user.is_authenticated):
        return False
    return user.sprint_memberships.filter(role=SprintRole.ORGANISER).exists()


@rules.predicate
def holds_organiser_role(user) -> bool:
    """The organisation-level organiser role that staff grant (``User.is_organiser``)."""
    return bool(user and user.is_authenticated and user.is_organiser)


@rules.predicate
def runs_any_sprint(user) -> bool:
    """Organises or co-hosts at least one sprint (a mentor's, a judge's or a reviewer's role is not running it)."""
    if not (user and user.is_authenticated):
        return False
    return user.sprint_memberships.filter(role__in=(SprintRole.ORGANISER, SprintRole.COHOST)).exists()


can_manage_sprint = is_staff | is_sprint_organiser
may_create_sprint = is_staff | holds_organiser_role
# "Sprints I run" (the organiser home): for anyone who runs a sprint or may create one.
may_see_organiser_home = may_create_sprint | runs_any_sprint


def _runs_any_sprint_key(user_id: int) -> str:
    return f"sprintlab:runs-any-sprint:v1:{user_id}"


def shows_organiser_home(user) -> bool:
    """``sprints.view_organiser_home`` for the "Sprints I run" link on every signed-in page.

    The same rule without its per-page cost: the role attributes are read from the user loaded
    for the request, and whether they run a sprint (an EXISTS query) is remembered in the cache
    until one of their roles changes (``forget_runs_any_sprint``) or for ``RUNS_ANY_SPRINT_SECONDS``.
    Django's model permissions are not consulted: a superuser sees the link as ``has_perm`` would.
    """
    if not (user and user.is_authenticated):
        return False
    if (user.is_active and user.is_superuser) or may_create_sprint(user):
        return True
    return cache.get_or_set(_runs_any_sprint_key(user.pk), lambda: runs_any_sprint(user), RUNS_ANY_SPRINT_SECONDS)


def forget_runs_any_sprint(user_id: int) -> None:
    cache.delete(_runs_any_sprint_key(user_id))


rules.add_perm("sprints.create_sprint", may_create_sprint)
rules.add_perm("sprints.view_organiser_home", may_see_organiser_home)
rules.add_perm("sprints.view_sprint", is_published | can_manage_sprint | is_sprint_cohost)
rules.add_perm("sprints.change_sprint", can_manage_sprint)
rules.add_perm("sprints.clone_sprint", can_manage_sprint)
# Partner co-hosts read their sprint's registrations (and, later, its results).
rules.add_perm("sprints.view_registrations", can_manage_sprint | is_sprint_cohost)
rules.add_perm("sprints.manage_registrations", can_manage_sprint)
rules.add_perm("sprints.review_site_applications", can_manage_sprint)
# Partner organisations are shared between sprints: staff and anyone who organises a sprint add them.
rules.add_perm("sprints.create_partner", may_create_sprint | organises_any_sprint)
# The Markdown preview on the sprint form renders text only; anyone who may edit some sprint may use it.
rules.add_perm("sprints.preview_markdown", may_create_sprint | organises_any_sprint)
