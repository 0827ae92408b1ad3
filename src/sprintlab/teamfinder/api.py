"""/api/v1/sprints/{slug}/team-finder: your card, your suggestions, your proposed group; the organisers' grouping."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError
from sprintlab.core.validators import ObjectId
from sprintlab.sprints.models import Sprint, Track
from sprintlab.sprints.selectors import sprint_for_manager, sprint_for_viewer
from sprintlab.teamfinder import selectors, services
from sprintlab.teamfinder.matching import Suggestion
from sprintlab.teamfinder.models import FinderProfile, GroupingRun, ProposedMember
from sprintlab.teamfinder.permissions import use_finder_refusal
from sprintlab.teamfinder.services import NOTE_LENGTH
from sprintlab.teamfinder.vocabulary import MAX_FREE_TAGS, Interest, Skill

router = Router(tags=["team finder"])
FINDER = "/{slug}/team-finder"


class FinderProfileIn(Schema):
    is_looking: bool = True
    interests: list[Interest] = Field(default_factory=list, max_length=len(Interest.values))
    skills: list[Skill] = Field(default_factory=list, max_length=len(Skill.values))
    free_tags: list[str] = Field(default_factory=list, max_length=MAX_FREE_TAGS)
    timezone: str = Field(..., max_length=64, description="An IANA zone, e.g. Europe/London.")
    waking_start: int = Field(8, ge=0, le=23, description="Local hour the person is available from.")
    waking_end: int = Field(23, ge=0, le=24, description="Local hour until; before the start wraps past midnight.")
    preferred_track: ObjectId | None = None
    note: str = Field("", max_length=NOTE_LENGTH)


class FinderProfileOut(Schema):
    sprint: str
    is_looking: bool
    interests: list[str]
    skills: list[str]
    free_tags: list[str]
    timezone: str
    waking_start: int
    waking_end: int
    preferred_track: int | None = Field(None, alias="preferred_track_id")
    note: str
    updated_at: datetime

    @staticmethod
    def resolve_sprint(obj: FinderProfile) -> str:
        return obj.sprint.slug


class PersonOut(Schema):
    user_id: int
    name: str
    site: int | None
    site_name: str
    timezone: str
    note: str


class SuggestedTeamOut(Schema):
    team_id: int
    name: str
    size: int
    capacity: int
    looking_for: str


class SuggestionOut(Schema):
    score: float
    shared_hours: float
    reasons: list[str]
    person: PersonOut | None = None
    team: SuggestedTeamOut | None = None

    @staticmethod
    def resolve_person(obj: Suggestion) -> dict | None:
        person = obj.person
        if person is None:
            return None
        return {
            "user_id": person.user_id,
            "name": person.name,
            "site": person.site_id,
            "site_name": person.site_name,
            "timezone": person.timezone,
            "note": person.note,
        }


class SuggestionsOut(Schema):
    team: int | None = Field(description="The caller's team, if any: then only people are suggested.")
    people: list[SuggestionOut]
    teams: list[SuggestionOut]


class ProposedMemberOut(Schema):
    user_id: int
    name: str
    response: str

    @staticmethod
    def resolve_name(obj: ProposedMember) -> str:
        return obj.user.name


class GroupOut(Schema):
    id: int
    number: int
    site: int | None = Field(None, alias="site_id")
    track: int | None = Field(None, alias="track_id")
    status: str
    team: int | None = Field(None, alias="team_id")
    members: list[ProposedMemberOut]

    @staticmethod
    def resolve_members(obj) -> list:
        return list(obj.members.all())


class RunOut(Schema):
    id: int
    created_at: datetime
    people_count: int
    group_count: int
    left_alone_count: int
    groups: list[GroupOut]

    @staticmethod
    def resolve_groups(obj: GroupingRun) -> list:
        return list(obj.groups.all())


class ProposalOut(Schema):
    response: str
    group: GroupOut


class AnswerIn(Schema):
    accept: bool


class OutcomeOut(Schema):
    origin: str
    label: str
    teams: int
    teams_with_submission: int


class OutcomesOut(Schema):
    submissions_open: bool = Field(description="False until submissions exist; teams_with_submission is 0 until then.")
    origins: list[OutcomeOut]


def _finder_sprint(request, slug: str) -> Sprint:
    sprint = sprint_for_viewer(slug, request.auth)
    refusal = use_finder_refusal(request.auth, sprint, now=timezone.now())
    if refusal is not None:
        raise refusal
    return sprint


@router.get(FINDER + "/profile", auth=write_auth, response={200: FinderProfileOut, **errors(401, 403, 404, 409)})
def get_profile(request, slug: str):
    """The caller's card in the sprint; 404 until they save one."""
    sprint = _finder_sprint(request, slug)
    profile = selectors.profile_of(sprint, request.auth)
    if profile is None:
        raise Http404(_("You have no team-finder card in this sprint yet."))
    return profile


@router.put(
    FINDER + "/profile", auth=write_auth, response={200: FinderProfileOut, **errors(400, 401, 403, 404, 409, 422)}
)
def put_profile(request, slug: str, payload: FinderProfileIn):
    """Create or replace the caller's card (``is_looking`` false hides it from suggestions)."""
    sprint = _finder_sprint(request, slug)
    track = None
    if payload.preferred_track is not None:
        track = Track.objects.filter(pk=payload.preferred_track, sprint=sprint).first()
        if track is None:
            raise ServiceError({"preferred_track": [_("This sprint has no track with this id.")]})
    services.finder_profile_save(
        actor=request.auth,
        sprint=sprint,
        is_looking=payload.is_looking,
        interests=[str(value) for value in payload.interests],
        skills=[str(value) for value in payload.skills],
        free_tags=payload.free_tags,
        timezone_name=payload.timezone,
        waking_start=payload.waking_start,
        waking_end=payload.waking_end,
        preferred_track=track,
        note=payload.note,
    )
    return selectors.profile_of(sprint, request.auth)


@router.get(FINDER + "/suggestions", auth=write_auth, response={200: SuggestionsOut, **errors(401, 403, 404, 409)})
def get_suggestions(request, slug: str):
    """People looking for a team (and teams with room, for someone not in one), best first, with reasons."""
    sprint = _finder_sprint(request, slug)
    found = selectors.suggestions_for(sprint, request.auth)
    return {"team": found.team.pk if found.team else None, "people": found.people, "teams": found.teams}


@router.get(FINDER + "/groupings", auth=write_auth, response={200: list[RunOut], **errors(401, 403, 404)})
def list_groupings(request, slug: str):
    """The sprint's grouping runs, newest first, with their groups and answers (organisers)."""
    sprint = sprint_for_manager(slug, request.auth, "teamfinder.run_grouping")
    return list(selectors.grouping_runs(sprint))


@router.post(FINDER + "/groupings", auth=write_auth, response={201: RunOut, **errors(401, 403, 404, 409, 503)})
def create_grouping(request, slug: str):
    """Group everyone confirmed who has no team and no open proposal (organisers)."""
    sprint = sprint_for_manager(slug, request.auth, "teamfinder.run_grouping")
    run = services.grouping_run_create(actor=request.auth, sprint=sprint)
    return Status(201, selectors.grouping_runs(sprint).get(pk=run.pk))


def _proposal(request, slug: str) -> ProposedMember:
    sprint = sprint_for_viewer(slug, request.auth)
    member = selectors.proposal_of(sprint, request.auth)
    if member is None:
        raise Http404(_("The organisers have not proposed a group for you."))
    return member


@router.get(FINDER + "/my-group", auth=write_auth, response={200: ProposalOut, **errors(401, 403, 404)})
def get_my_group(request, slug: str):
    """The caller's latest proposed group (an open one first) and everyone's answers."""
    member = _proposal(request, slug)
    return {"response": member.response, "group": member.group}


@router.post(
    FINDER + "/my-group/answer",
    auth=write_auth,
    response={200: ProposalOut, **errors(400, 401, 403, 404, 409, 422, 503)},
)
def answer_my_group(request, slug: str, payload: AnswerIn):
    """Accept or decline; the last answer forms the team (at least two accepted) or dissolves the group."""
    services.proposal_respond(actor=request.auth, member=_proposal(request, slug), accept=payload.accept)
    member = _proposal(request, slug)
    return {"response": member.response, "group": member.group}


@router.get(FINDER + "/outcomes", auth=write_auth, response={200: OutcomesOut, **errors(401, 403, 404)})
def get_outcomes(request, slug: str):
    """Teams per way of forming (self, finder, grouping) and how many submitted (organisers, co-hosts)."""
    sprint = sprint_for_viewer(slug, request.auth)
    if not request.auth.has_perm("teamfinder.view_outcomes", sprint):
        raise PermissionDenied(_("Only the sprint's organisers and co-hosts see how teams formed."))
    return {"submissions_open": selectors.SUBMISSIONS_OPEN, "origins": selectors.formation_outcomes(sprint)}
