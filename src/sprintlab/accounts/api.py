"""/api/v1/me: the caller's own profile and their personal API tokens; /api/v1/people: staff grant the organiser role."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from sprintlab.accounts import selectors, services
from sprintlab.accounts.forms import ProfileForm
from sprintlab.accounts.models import User
from sprintlab.api.auth import write_auth
from sprintlab.api.errors import errors
from sprintlab.core.errors import ServiceError

router = Router(tags=["account"], auth=write_auth)


class ProfileOut(Schema):
    id: int
    email: str
    display_name: str
    name: str
    country: str
    city: str
    timezone: str
    affiliation: str
    career_stage: str
    interests: list[str]
    skills: list[str]
    website_url: str
    github_url: str
    scholar_url: str
    orcid: str
    bio: str
    public_fields: list[str]


class ProfilePatch(Schema):
    """Send only the fields to change; the same rules as the profile page apply."""

    display_name: str | None = Field(None, max_length=1000)
    country: str | None = None
    city: str | None = None
    timezone: str | None = None
    affiliation: str | None = None
    career_stage: str | None = None
    interests: list[str] | None = Field(None, max_length=200)
    skills: list[str] | None = Field(None, max_length=200)
    website_url: str | None = None
    github_url: str | None = None
    scholar_url: str | None = None
    orcid: str | None = None
    bio: str | None = None
    public_fields: list[str] | None = None


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    created_at: datetime
    last_used_at: datetime | None


def profile_out(user: User) -> dict:
    user = selectors.user_with_tags(user_id=user.pk)
    return {
        **{
            name: getattr(user, name)
            for name in (
                "id",
                "email",
                "display_name",
                "name",
                "city",
                "timezone",
                "affiliation",
                "career_stage",
                "website_url",
                "github_url",
                "scholar_url",
                "orcid",
                "bio",
            )
        },
        "country": user.country.code or "",
        "interests": [tag.name for tag in user.interests.all()],
        "skills": [tag.name for tag in user.skills.all()],
        "public_fields": list(user.public_fields or []),
    }


def _form_data(user: User, changes: dict) -> dict:
    """The profile form's input: the current values, overlaid with the requested changes."""
    current = profile_out(user)
    data = {name: current[name] for name in ProfileForm.Meta.fields}
    for name, value in changes.items():
        data[name] = "" if value is None else value
    for name in ("interests", "skills"):
        if any("," in tag for tag in data[name]):
            raise ServiceError({name: [_("A tag cannot contain a comma: send each tag as its own list item.")]})
        data[name] = ", ".join(data[name])
    return data


@router.get("", response={200: ProfileOut, **errors(401, 403)}, summary="Your profile")
def me(request):
    return profile_out(request.auth)


@router.patch("", response={200: ProfileOut, **errors(400, 401, 403, 422)}, summary="Change your profile")
def me_update(request, payload: ProfilePatch):
    changes = payload.dict(exclude_unset=True)
    if not changes:
        raise ServiceError(_("Send at least one field to change."))
    user = request.auth
    form = ProfileForm(data=_form_data(user, changes), instance=User.objects.get(pk=user.pk))
    if not form.is_valid():
        raise ServiceError({field: [str(m) for m in messages] for field, messages in form.errors.items()})
    cleaned = form.profile_fields()
    services.profile_update(actor=user, **{name: cleaned[name] for name in changes})
    return profile_out(user)


@router.get(
    "/tokens",
    response={200: list[TokenOut], **errors(401, 403)},
    summary="Your active API tokens (never their secrets)",
)
def my_tokens(request):
    return list(selectors.api_tokens_for_user(user=request.auth))


@router.delete(
    "/tokens/{token_id}",
    response={204: None, **errors(401, 403, 404, 422)},
    summary="Revoke one of your API tokens",
)
def revoke_my_token(request, token_id: int):
    token = selectors.api_token_get_for_user(user=request.auth, token_id=token_id)
    services.api_token_revoke(token=token, actor=request.auth)
    return Status(204, None)


# Staff manage other people's accounts here; everything else in this module is the caller's own.
people_router = Router(tags=["account"], auth=write_auth)


class OrganiserRoleIn(Schema):
    granted: bool = Field(..., description="true grants the organiser role (may create sprints), false revokes it.")


class OrganiserRoleOut(Schema):
    id: int
    email: str
    is_organiser: bool


@people_router.put(
    "/{user_id}/organiser-role",
    response={200: OrganiserRoleOut, **errors(400, 401, 403, 404, 422)},
    summary="Grant or revoke the organiser role (staff)",
)
def set_organiser_role(request, user_id: int, payload: OrganiserRoleIn):
    """The organisation-level organiser role lets a person create sprints. Staff only; each change is
    recorded in the audit log, and setting the role a person already has changes nothing."""
    if not request.auth.has_perm("accounts.grant_organiser_role"):
        raise PermissionDenied(_("Only staff grant or revoke the organiser role."))
    person = get_object_or_404(User, pk=user_id)
    return services.organiser_role_set(actor=request.auth, user=person, granted=payload.granted)
