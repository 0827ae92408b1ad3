"""Locking a sprint's teams in the one order every team write follows.

The sprint's row first (it carries the team size and the formation deadline, and serialises the
"one team per person" check across all of the sprint's teams), then the teams by ascending id,
then people's rows (their registrations, then join requests). Two people taking the last place
queue on the team's row, and the second one counts the first one's place; nobody waits for a lock
earlier in the order while holding a later one, so no two team writes deadlock. Registrations lock
sprint → sites → registrations, which agrees. Everything read before the locks is read again.
"""

from __future__ import annotations

from sprintlab.registrations.models import Registration
from sprintlab.sprints.models import Sprint
from sprintlab.teams.models import JoinRequest, Team


def lock_sprint(sprint: Sprint) -> Sprint:
    return Sprint.objects.select_for_update().get(pk=sprint.pk)


def lock_teams(*, sprint: Sprint, team_ids) -> dict[int, Team]:
    """Lock the sprint, then the teams by ascending id; ``{team_id: team}`` as read under the locks."""
    sprint = lock_sprint(sprint)
    teams = Team.objects.select_for_update().filter(pk__in=sorted(set(team_ids))).order_by("pk")
    locked = {}
    for team in teams:
        team.sprint = sprint
        locked[team.pk] = team
    return locked


def lock_team(team: Team) -> Team:
    """Lock ``team``'s sprint and then the team; the team as read under the locks."""
    locked = lock_teams(sprint=team.sprint, team_ids=[team.pk]).get(team.pk)
    if locked is None:
        raise Team.DoesNotExist
    return locked


def lock_people(*, sprint: Sprint, users) -> None:
    """Lock the registrations of ``users`` for ``sprint`` (after the sprint and the teams), by id.

    Cancelling a registration takes the same lock, so nobody leaves the sprint while joining a team.
    """
    user_ids = sorted({user.pk for user in users})
    list(
        Registration.objects.select_for_update(of=("self",))
        .filter(sprint=sprint, user_id__in=user_ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def lock_join_request(join_request: JoinRequest) -> JoinRequest:
    """The join request as read under its own lock, with its team and person (not locked)."""
    return JoinRequest.objects.select_for_update(of=("self",)).select_related("team", "user").get(pk=join_request.pk)
