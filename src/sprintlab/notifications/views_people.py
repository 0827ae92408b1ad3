"""Each person's own pages: the inbox, its unread badge, notification preferences, and the public
one-click unsubscribe page that email links open. Thin: validate, call a service or selector, render."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.notifications import inbox, preferences, selectors
from sprintlab.notifications.forms import NotificationPreferencesForm
from sprintlab.notifications.models import NotificationKind
from sprintlab.notifications.unsubscribe import read_unsubscribe_token

INBOX_PAGE_SIZE = 20
# htmx stops polling when an answer has this status: a visitor whose session ended.
HTMX_STOP_POLLING = 286
# htmx listens for this event (HX-Trigger) to refresh the badge at once after a change.
INBOX_CHANGED_EVENT = "inbox-changed"


@login_required
def inbox_list(request):
    unread_only = request.GET.get("unread") == "1"
    items = selectors.inbox_items(user=request.user, unread_only=unread_only)
    page = Paginator(items, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page": page, "unread_only": unread_only, "unread_count": selectors.inbox_unread_count(user=request.user)},
    )


@login_required
@require_POST
def inbox_mark_read(request, pk: int):
    item = selectors.inbox_item_for_user(item_id=pk, user=request.user)
    if item is None:
        raise Http404
    item = inbox.inbox_mark_read(actor=request.user, item=item)
    if request.htmx:
        response = render(request, "notifications/inbox.html#inbox-item", {"item": item})
        response["HX-Trigger"] = INBOX_CHANGED_EVENT
        return response
    return redirect("notifications:inbox")


@login_required
@require_POST
def inbox_mark_all_read(request):
    count = inbox.inbox_mark_all_read(actor=request.user)
    if request.htmx:
        # The whole list changes: ask htmx to load the page again rather than patch every row.
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    messages.success(request, _("Marked %(count)s notifications as read.") % {"count": count})
    return redirect("notifications:inbox")


@never_cache
@require_GET
def inbox_badge(request):
    """The unread count for the site header; polled by htmx, so one indexed COUNT and nothing else.

    Never cached, by the browser or by the server (``never_cache``; the anonymous page cache is not
    used here and personal fragments are not involved), so the badge is live.
    """
    if not request.user.is_authenticated:
        return HttpResponse(status=HTMX_STOP_POLLING)
    return render(
        request,
        "notifications/_inbox_badge.html",
        {
            "unread_count": selectors.inbox_unread_count(user=request.user),
            "poll_seconds": settings.INBOX_POLL_SECONDS,
        },
    )


@login_required
def preferences_edit(request):
    rows = selectors.notification_preferences(user=request.user)
    form = NotificationPreferencesForm(request.POST or None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            preferences.notification_preferences_update(actor=request.user, channels=form.channels())
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your notification preferences were saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "transactional_label": NotificationKind.TRANSACTIONAL.label},
    )


# Mail clients send RFC 8058's one-click unsubscribe as a POST of "List-Unsubscribe=One-Click" with no
# cookies and so no CSRF token. The signed token in the address is what authorises the change (it names
# one person and one kind and can only switch that kind's email off), so a forged cross-site POST can do
# no more than the link itself; CSRF protection is lifted for this one view only.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    named = read_unsubscribe_token(token)
    person = get_user_model().objects.filter(pk=named[0], is_active=True).first() if named else None
    if person is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = NotificationKind(named[1])
    context = {"kind_label": kind.label, "token": token, "done": False}
    if request.method == "POST":
        preferences.notification_email_unsubscribe(actor=person, kind=kind)
        context["done"] = True
    return render(request, "notifications/unsubscribe.html", context)
