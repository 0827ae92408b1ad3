"""/api/v1/sprints/{slug}/teams and /api/v1/teams: a sprint's teams, joining by code, requests to join and invitations.

The same predicates as the pages: anyone who sees the sprint lists its teams; its participants and
organisers see who is in them; the services refuse what the person may not do (403) or what the
state forbids (409: teams closed, full team, already in a team, no confirmed registration).
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from sprintlab.api.auth import viewer, write_auth
from sprintlab.api.errors import errors
from sprintlab.api.pagination import BoundedLimitOffsetPagination
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId
from sprintlab.sprints.models import Sprint, Track
from sprintlab.sprints.selectors import sprint_for_viewer
from sprintlab.teams import selectors, services
from sprintlab.teams.models import JoinRequest, Team

router = Router(tags=["teams"])
CHANGE_ERRORS = errors(400, 401, 403, 404, 409, 422, 503)
TEXT_LIMITS = {"name": 80, "description": 500, "looking_for": 300, "message": 500}


class TeamOut(Schema):
    id: int
    sprint: str
    name: str
    description: str
    track: int | None
    track_name: str | None
    looking_for: str
    lead: int | None
    lead_name: str | None
    origin: str = Field(description="How the team formed: self, finder or grouping.")
    member_count: int
    open_places: int
    url: str

    @staticmethod
    def resolve_sprint(team: Team) -> str:
        return team.sprint.slug

    @staticmethod
    def resolve_track(team: Team) -> int | None:
        return team.track_id

    @staticmethod
    def resolve_track_name(team: Team) -> str | None:
        return team.track.name if team.track_id else None

    @staticmethod
    def resolve_lead(team: Team) -> int | None:
        return team.lead_id

    @staticmethod
    def resolve_lead_name(team: Team) -> str | None:
        return team.lead.name if team.lead_id else None

    @staticmethod
    def resolve_url(team: Team, context) -> str:
        return context["request"].build_absolute_uri(team.get_absolute_url())


class MemberOut(Schema):
    id: int
    name: str
    is_lead: bool
    site: int | None = Field(description="The member's site; null: remote.")
    site_name: str | None
    timezone: str
    local_time: str = Field(description="The member's local time now, for people; empty without a time zone.")


class TeamDetailOut(TeamOut):
    members: list[MemberOut] | None = Field(description="Null for viewers who may not see the members.")
    invite_code: str | None = Field(description="Only for the team's members, the sprint's organisers and staff.")

    @staticmethod
    def resolve_members(team: Team) -> list[dict] | None:
        return team.member_rows

    @staticmethod
    def resolve_invite_code(team: Team) -> str | None:
        return team.visible_code


class TeamIn(Schema):
    name: str = Field(..., max_length=TEXT_LIMITS["name"])
    description: str = Field("", max_length=TEXT_LIMITS["description"])
    track: ObjectId | None = Field(None, description="A track of the sprint.")
    looking_for: str = Field("", max_length=TEXT_LIMITS["looking_for"])


class TeamPatch(Schema):
    name: str | None = Field(None, max_length=TEXT_LIMITS["name"])
    description: str | None = Field(None, max_length=TEXT_LIMITS["description"])
    track: ObjectId | None = None
    looking_for: str | None = Field(None, max_length=TEXT_LIMITS["looking_for"])


class TeamQuery(Schema):
    track: ObjectId | None = None
    open: bool = Field(False, description="Only teams with a free place.")
    q: str = Field("", max_length=100, description="Words in the name, description or what the team looks for.")


class CodeIn(Schema):
    code: str = Field(..., max_length=40, description="The team's invite code, as typed (case and dashes ignored).")


class PersonIn(Schema):
    user: ObjectId = Field(..., description="A person's id.")


class JoinRequestIn(Schema):
    message: str = Field("", max_length=TEXT_LIMITS["message"])
    from_finder: bool = Field(False, description="Sent from the team finder (recorded with how the team formed).")


class InvitationIn(JoinRequestIn):
    user: ObjectId = Field(..., description="The person invited: a confirmed participant of the sprint.")


class JoinRequestOut(Schema):
    id: int
    team: int
    team_name: str
    user: int
    user_name: str
    direction: str = Field(description="request: the person asked; invitation: the team invited them.")
    status: str
    message: str
    from_finder: bool
    created_at: datetime
    decided_at: datetime | None

    @staticmethod
    def resolve_team(join_request: JoinRequest) -> int:
        return join_request.team_id

    @staticmethod
    def resolve_team_name(join_request: JoinRequest) -> str:
        return join_request.team.name

    @staticmethod
    def resolve_user(join_request: JoinRequest) -> int:
        return join_request.user_id

    @staticmethod
    def resolve_user_name(join_request: JoinRequest) -> str:
        return join_request.user.name


def _track(sprint: Sprint, track_id: int | None) -> Track | None:
    if track_id is None:
        return None
    track = Track.objects.filter(pk=track_id, sprint=sprint).first()
    if track is None:
        raise ServiceError({"track": [_("The sprint has no track with this id.")]})
    return track


def _person(user_id: int):
    person = selectors.invitable_user(user_id)
    if person is None:
        raise ServiceError({"user": [_("There is no person with this id.")]})
    return person


def _detail(team: Team, user) -> Team:
    """``team`` with what ``user`` may see of it: its members (or None) and its invite code (or None)."""
    team.member_rows = None
    if user.has_perm("teams.view_members", team):
        team.member_rows = [
            {
                "id": row.user.pk,
                "name": row.user.name,
                "is_lead": row.is_lead,
                "site": row.site.pk if row.site else None,
                "site_name": row.site.name if row.site else None,
                "timezone": row.zone_name,
                "local_time": row.local_time,
            }
            for row in selectors.team_members(team, now=timezone.now())
        ]
    team.visible_code = team.invite_code if user.has_perm("teams.see_invite_code", team) else None
    return team


@router.get("/sprints/{slug}/teams", response={200: list[TeamOut], **errors(400, 404, 422)})
@paginate(BoundedLimitOffsetPagination)
def list_teams(request, slug: str, filters: Query[TeamQuery]):
    """The sprint's live teams, by name, with member counts and open places."""
    sprint = sprint_for_viewer(slug, viewer(request))
    if filters.track is not None:
        _track(sprint, filters.track)
    return selectors.team_list(sprint=sprint, track_id=filters.track, open_only=filters.open, query=filters.q)


@router.post("/sprints/{slug}/teams", auth=write_auth, response={201: TeamDetailOut, **CHANGE_ERRORS})
def create_team(request, slug: str, payload: TeamIn):
    """Form a team; the caller becomes its lead (a confirmed registration for the sprint is needed)."""
    sprint = sprint_for_viewer(slug, request.auth)
    team = services.team_create(
        actor=request.auth,
        sprint=sprint,
        name=payload.name,
        description=payload.description,
        track=_track(sprint, payload.track),
        looking_for=payload.looking_for,
    )
    team = selectors.get_team(sprint=sprint, team_id=team.pk)
    return Status(201, _detail(team, request.auth))


@router.get(
    "/sprints/{slug}/teams/join-requests",
    auth=write_auth,
    response={200: list[JoinRequestOut], **errors(401, 403, 404)},
)
def my_join_requests(request, slug: str):
    """The caller's requests and invitations in the sprint still waiting for an answer."""
    return selectors.pending_of_user(user=request.auth, sprint=sprint_for_viewer(slug, request.auth))


@router.post("/teams/join", auth=write_auth, response={201: TeamDetailOut, **CHANGE_ERRORS})
def join_by_code(request, payload: CodeIn):
    """Join the team whose invite code this is."""
    member = services.team_join_by_code(actor=request.auth, code=payload.code)
    team = selectors.get_team(sprint=member.team.sprint, team_id=member.team_id)
    return Status(201, _detail(team, request.auth))


def _answer(request, request_id: int, service):
    join_request = selectors.get_join_request_for_user(request_id=request_id, user=request.auth)
    return service(actor=request.auth, join_request=join_request)


@router.post(
    "/teams/join-requests/{int:request_id}/accept", auth=write_auth, response={200: JoinRequestOut, **CHANGE_ERRORS}
)
def accept_join_request(request, request_id: int):
    """Accept a request (the team lead) or an invitation (the invited person): the person joins the team."""
    return _answer(request, request_id, services.join_request_accept)


@router.post(
    "/teams/join-requests/{int:request_id}/decline", auth=write_auth, response={200: JoinRequestOut, **CHANGE_ERRORS}
)
def decline_join_request(request, request_id: int):
    """Decline a request (the team lead) or an invitation (the invited person)."""
    return _answer(request, request_id, services.join_request_decline)


@router.post(
    "/teams/join-requests/{int:request_id}/withdraw", auth=write_auth, response={200: JoinRequestOut, **CHANGE_ERRORS}
)
def withdraw_join_request(request, request_id: int):
    """Take back one's request, or the team's invitation (a member)."""
    return _answer(request, request_id, services.join_request_withdraw)


@router.get("/teams/{int:team_id}", response={200: TeamDetailOut, **errors(404)})
def get_team(request, team_id: int):
    user = viewer(request)
    return _detail(selectors.get_team_by_id(team_id=team_id, user=user), user)


@router.patch("/teams/{int:team_id}", auth=write_auth, response={200: TeamDetailOut, **CHANGE_ERRORS})
def update_team(request, team_id: int, payload: TeamPatch):
    """Change the fields sent (the lead, the sprint's organisers, staff)."""
    team = selectors.get_team_by_id(team_id=team_id, user=request.auth)
    changes = payload.dict(exclude_unset=True)
    services.team_update(
        actor=request.auth,
        team=team,
        name=changes.get("name", team.name) or "",
        description=changes.get("description", team.description) or "",
        track=_track(team.sprint, changes["track"]) if "track" in changes else team.track,
        looking_for=changes.get("looking_for", team.looking_for) or "",
    )
    return _detail(selectors.get_team(sprint=team.sprint, team_id=team.pk), request.auth)


def _team_write(request, team_id: int, service, **kwargs):
    team = selectors.get_team_by_id(team_id=team_id, user=request.auth)
    service(actor=request.auth, team=team, **kwargs)
    return team


@router.post("/teams/{int:team_id}/leave", auth=write_auth, response={204: None, **CHANGE_ERRORS})
def leave_team(request, team_id: int):
    """Leave the team; a lead hands over first unless alone (the last one out disbands it)."""
    _team_write(request, team_id, services.team_leave)
    return Status(204, None)


@router.post("/teams/{int:team_id}/disband", auth=write_auth, response={204: None, **CHANGE_ERRORS})
def disband_team(request, team_id: int):
    """Disband the team (its lead while teams form; the sprint's organisers and staff at any time)."""
    _team_write(request, team_id, services.team_disband)
    return Status(204, None)


@router.post("/teams/{int:team_id}/hand-over", auth=write_auth, response={200: TeamDetailOut, **CHANGE_ERRORS})
def hand_over_team(request, team_id: int, payload: PersonIn):
    """Make another member the lead."""
    team = _team_write(request, team_id, services.team_hand_over, new_lead=_person(payload.user))
    return _detail(selectors.get_team(sprint=team.sprint, team_id=team.pk), request.auth)


@router.post("/teams/{int:team_id}/remove", auth=write_auth, response={200: TeamDetailOut, **CHANGE_ERRORS})
def remove_member(request, team_id: int, payload: PersonIn):
    """Take a member out of the team (its lead while teams form; organisers and staff at any time)."""
    team = _team_write(request, team_id, services.team_member_remove, user=_person(payload.user))
    return _detail(selectors.get_team(sprint=team.sprint, team_id=team.pk), request.auth)


@router.post("/teams/{int:team_id}/new-code", auth=write_auth, response={200: TeamDetailOut, **CHANGE_ERRORS})
def new_invite_code(request, team_id: int):
    """Give the team a new invite code; the old code and link stop working."""
    team = _team_write(request, team_id, services.team_regenerate_code)
    return _detail(selectors.get_team(sprint=team.sprint, team_id=team.pk), request.auth)


@router.get(
    "/teams/{int:team_id}/join-requests", auth=write_auth, response={200: list[JoinRequestOut], **errors(401, 403, 404)}
)
def team_join_requests(request, team_id: int):
    """The team's requests and invitations waiting for an answer (its members, organisers, staff)."""
    team = selectors.get_team_by_id(team_id=team_id, user=request.auth)
    if not request.auth.has_perm("teams.see_invite_code", team):
        raise PermissionDenied(_("Only the team's members see its requests."))
    return selectors.pending_for_team(team)


@router.post("/teams/{int:team_id}/join-requests", auth=write_auth, response={201: JoinRequestOut, **CHANGE_ERRORS})
def create_join_request(request, team_id: int, payload: JoinRequestIn):
    """Ask to join the team; its lead answers."""
    team = selectors.get_team_by_id(team_id=team_id, user=request.auth)
    join_request = services.join_request_create(
        actor=request.auth, team=team, message=payload.message, from_finder=payload.from_finder
    )
    return Status(201, join_request)


@router.post("/teams/{int:team_id}/invitations", auth=write_auth, response={201: JoinRequestOut, **CHANGE_ERRORS})
def create_invitation(request, team_id: int, payload: InvitationIn):
    """Invite a confirmed participant into the team (any member); they answer."""
    team = selectors.get_team_by_id(team_id=team_id, user=request.auth)
    join_request = services.invitation_create(
        actor=request.auth,
        team=team,
        user=_person(payload.user),
        message=payload.message,
        from_finder=payload.from_finder,
    )
    return Status(201, join_request)
