"""Reads of the accounts app, shared by pages and the API."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from sprintlab.accounts.models import ApiToken, Tag, User


def api_tokens_for_user(*, user: User, include_revoked: bool = False) -> QuerySet[ApiToken]:
    tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-pk")
    return tokens if include_revoked else tokens.filter(revoked_at__isnull=True)


def api_token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    """The token ``token_id`` if it belongs to ``user``; otherwise 404, whether it exists or not."""
    token = ApiToken.objects.filter(pk=token_id, user=user).first()
    if token is None:
        raise Http404("No such token.")
    return token


def user_with_tags(*, user_id: int) -> User:
    """A person with interests and skills prefetched; 404 for unknown or deactivated people."""
    tags = Tag.objects.order_by("name")
    user = (
        User.objects.filter(pk=user_id, is_active=True)
        .prefetch_related(Prefetch("interests", queryset=tags), Prefetch("skills", queryset=tags))
        .first()
    )
    if user is None:
        raise Http404("No such person.")
    return user


def public_profile(user: User) -> dict:
    """Only what ``user`` chose to show (the display name always): the public page renders this."""
    profile: dict = {"id": user.pk, "name": user.name}
    if user.is_public("country") and user.country:
        profile["country"] = user.country
    if user.is_public("city") and user.city:
        profile["city"] = user.city
    if user.is_public("affiliation") and user.affiliation:
        profile["affiliation"] = user.affiliation
    if user.is_public("career_stage") and user.career_stage:
        profile["career_stage"] = user.get_career_stage_display()
    if user.is_public("interests"):
        profile["interests"] = [tag.name for tag in user.interests.all()]
    if user.is_public("skills"):
        profile["skills"] = [tag.name for tag in user.skills.all()]
    if user.is_public("links"):
        links = [
            (label, url)
            for label, url in (
                ("website", user.website_url),
                ("github", user.github_url),
                ("scholar", user.scholar_url),
                ("orcid", f"https://orcid.org/{user.orcid}" if user.orcid else ""),
            )
            if url
        ]
        if links:
            profile["links"] = dict(links)
    if user.is_public("bio") and user.bio:
        profile["bio"] = user.bio
    return profile
