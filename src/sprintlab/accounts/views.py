"""Pages of this app; thin: validate, call a service or selector, render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.accounts import selectors, services
from sprintlab.accounts.forms import ApiTokenCreateForm, ProfileForm
from sprintlab.accounts.models import User
from sprintlab.core.forms import add_service_error


@login_required
def profile_edit(request):
    # A separate copy: an invalid form must not change the signed-in person shown in the header.
    instance = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(actor=request.user, **form.profile_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


def public_profile(request, pk: int):
    person = selectors.user_with_tags(user_id=pk)
    return render(
        request,
        "accounts/public_profile.html",
        {"person": person, "profile": selectors.public_profile(person), "is_self": request.user.pk == person.pk},
    )


# The session holds a new token's secret only between the POST that made it and the page that shows it.
NEW_TOKEN_SESSION_KEY = "accounts:new_api_token"


@login_required
def api_tokens(request):
    """List the person's tokens; a valid POST creates one and redirects (so a refresh makes no second
    token), and the page after it shows the secret once."""
    form = ApiTokenCreateForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            new_token, new_secret = services.api_token_create(actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_error(form, error)
            status = getattr(error, "status_code", 400)
        else:
            request.session[NEW_TOKEN_SESSION_KEY] = {"id": new_token.pk, "secret": new_secret}
            return redirect("accounts:tokens")
    elif request.method == "POST":
        status = 400
    tokens = selectors.api_tokens_for_user(user=request.user)
    shown_once = request.session.pop(NEW_TOKEN_SESSION_KEY, None) if request.method == "GET" else None
    new_token = next((t for t in tokens if shown_once and t.pk == shown_once["id"]), None)
    context = {
        "form": form,
        "tokens": tokens,
        "new_token": new_token,
        "new_secret": shown_once["secret"] if new_token else None,
        "max_tokens": services.MAX_ACTIVE_TOKENS,
    }
    response = render(request, "accounts/api_tokens.html", context, status=status)
    # The secret appears once: never cache the page that shows it.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def api_token_revoke(request, pk: int):
    token = selectors.api_token_get_for_user(user=request.user, token_id=pk)
    services.api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("The token “%(name)s” was revoked; it no longer works.") % {"name": token.name})
    return redirect("accounts:tokens")
