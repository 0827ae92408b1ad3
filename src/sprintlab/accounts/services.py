"""Every write of the accounts app: profile changes and personal API tokens."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.accounts.models import ApiToken, Tag, User
from sprintlab.accounts.validators import parse_tag_names
from sprintlab.core.audit import record_audit
from sprintlab.core.errors import Conflict, PermissionDeniedError, ServiceError

MAX_ACTIVE_TOKENS = 20

# Plain profile columns a person may change themselves; anything else is refused by name.
PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "country",
        "city",
        "timezone",
        "affiliation",
        "career_stage",
        "website_url",
        "github_url",
        "scholar_url",
        "orcid",
        "bio",
        "public_fields",
    }
)
TAG_FIELDS = frozenset({"interests", "skills"})


def _tags_named(names: list[str]) -> list[Tag]:
    """The tags called ``names`` (matched ignoring case, so "Evals" reuses "evals"), created if new."""
    tags = []
    for name in names:
        tag = Tag.objects.filter(name__iexact=name).order_by("pk").first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(name=name)
            except IntegrityError:  # someone created it a moment ago
                tag = Tag.objects.get(name=name)
        tags.append(tag)
    return tags


@transaction.atomic
def profile_update(*, actor: User, **fields) -> User:
    """Change ``actor``'s own profile to ``fields`` (already validated by ``ProfileForm``).

    ``interests`` and ``skills`` are lists of tag names (parsed again here, so a caller cannot
    bypass the limits). The model's validators run again before saving; on any error nothing
    is written. Side effects: creates missing tags.
    """
    if not actor.has_perm("accounts.edit_own_profile"):
        raise PermissionDeniedError(_("Sign in to change your profile."))
    user = actor
    unknown = set(fields) - PROFILE_FIELDS - TAG_FIELDS
    if unknown:
        raise ServiceError({name: [_("This field cannot be changed here.")] for name in sorted(unknown)})
    tag_names = {name: parse_tag_names(fields.pop(name)) for name in TAG_FIELDS & set(fields)}
    if "public_fields" in fields:
        allowed = {choice for choice, _label in User.PUBLIC_FIELD_CHOICES}
        chosen = list(fields["public_fields"] or [])
        if not set(chosen) <= allowed:
            raise ServiceError({"public_fields": [_("Choose only from the listed fields.")]})
        fields["public_fields"] = [choice for choice, _label in User.PUBLIC_FIELD_CHOICES if choice in chosen]
    for name, value in fields.items():
        setattr(user, name, value)
    user.full_clean(exclude=[f.name for f in User._meta.concrete_fields if f.name not in fields] + ["password"])
    if fields:
        user.save(update_fields=list(fields))
    for name, names in tag_names.items():
        getattr(user, name).set(_tags_named(names))
    return user


@transaction.atomic
def api_token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token for ``actor``; return it and its secret (shown once, never stored).

    Only the SHA-256 hash and the first characters are kept. Refused once ``actor`` has
    ``MAX_ACTIVE_TOKENS`` active tokens. Side effects: an audit entry.
    """
    if not actor.has_perm("accounts.manage_own_tokens"):
        raise PermissionDeniedError(_("Sign in to create an API token."))
    user = actor
    name = " ".join((name or "").split())
    if not name:
        raise ServiceError({"name": [_("Give the token a name so that you can recognise it later.")]})
    max_length = ApiToken._meta.get_field("name").max_length
    if len(name) > max_length:
        raise ServiceError({"name": [_("Use at most %(max)d characters.") % {"max": max_length}]})
    # Lock the person's row so two simultaneous requests cannot both pass the limit.
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(user=user, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(
            {
                "name": [
                    _("You already have %(max)d active tokens: revoke one you no longer use first.")
                    % {"max": MAX_ACTIVE_TOKENS}
                ]
            }
        )
    secret = ApiToken.generate_key()
    token = ApiToken.objects.create(
        user=user,
        name=name,
        key_hash=ApiToken.hash_key(secret),
        hint=secret[: ApiToken._meta.get_field("hint").max_length],
    )
    record_audit(actor=user, action="api_token.create", target=token, name=name)
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    """Revoke ``token`` at once; revoking twice changes nothing.

    Allowed for the token's owner and for staff. Side effects: an audit entry.
    """
    if not actor.has_perm("accounts.revoke_token", token):
        raise PermissionDeniedError(_("You may not revoke this token."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        record_audit(actor=actor, action="api_token.revoke", target=token, owner_id=token.user_id)
    return token


@transaction.atomic
def organiser_role_set(*, actor: User, user: User, granted: bool) -> User:
    """Grant (``granted=True``) or revoke the organisation-level organiser role, which lets ``user`` create sprints.

    Only staff may do it. Setting the role a person already has changes nothing and records nothing.
    Side effects: an audit entry "account.organiser_grant" or "account.organiser_revoke".
    """
    if not actor.has_perm("accounts.grant_organiser_role", user):
        raise PermissionDeniedError(_("Only staff grant or revoke the organiser role."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_organiser != granted:
        user.is_organiser = granted
        user.save(update_fields=["is_organiser"])
        action = "account.organiser_grant" if granted else "account.organiser_revoke"
        record_audit(actor=actor, action=action, target=user)
    return user
