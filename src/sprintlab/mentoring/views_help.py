"""Help-request pages: asking for help, the mentors' queue, one request, and the organisers' overview."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.core.errors import ServiceError
from sprintlab.core.forms import add_service_error
from sprintlab.mentoring import helpdesk, selectors
from sprintlab.mentoring.forms import CloseForm, HelpRequestForm, NoteForm, QueueFilterForm
from sprintlab.mentoring.models import HelpStatus
from sprintlab.mentoring.permissions import (
    may_add_note,
    may_claim,
    may_close,
    may_release,
    may_view_request,
)
from sprintlab.mentoring.views import viewer_context

# Seconds between two refreshes of the queue while a mentor has it open.
QUEUE_POLL_SECONDS = 20


def _actions(user, request, context) -> dict:
    now, roles = context["now"], context["roles"]
    return {
        "help_request": request,
        "can_claim": may_claim(user, request, now=now, roles=roles),
        "can_close": may_close(user, request, now=now, roles=roles),
        "can_release": may_release(user, request, now=now, roles=roles),
        "can_note": may_add_note(user, request, roles=roles),
        "is_mine": request.claimed_by_id == user.pk,
        "waiting_too_long": request.status == HelpStatus.OPEN
        and request.waiting_since <= now - selectors.unclaimed_after(),
    }


@login_required
def ask(request, slug):
    """The "ask for help" form and the requests the viewer (and their team) made."""
    context = viewer_context(request, slug)
    sprint = context["sprint"]
    form = HelpRequestForm(request.POST or None, sprint=sprint)
    if request.method == "POST" and form.is_valid():
        try:
            helpdesk.help_request_create(actor=request.user, sprint=sprint, **form.cleaned_data)
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your request is in the queue; a mentor will reach you soon."))
            return redirect("mentoring:ask", slug=slug)
    context.update(
        {
            "form": form,
            "my_requests": [
                _actions(request.user, item, context)
                for item in selectors.requests_of(request.user, sprint, context["roles"].team)
            ],
        }
    )
    return render(request, "mentoring/ask.html", context)


@login_required
def queue(request, slug):
    """The mentors' queue, the longest-waiting first; htmx refreshes the list every QUEUE_POLL_SECONDS."""
    context = viewer_context(request, slug)
    if not context["can_view_queue"]:
        raise PermissionDenied
    filters = QueueFilterForm(request.GET or None)
    tag = filters.cleaned_data["tag"] if filters.is_valid() else ""
    items = list(selectors.help_queue(context["sprint"], tag=tag))
    context.update(
        {
            "filters": filters,
            "tag": tag,
            "poll_seconds": QUEUE_POLL_SECONDS,
            "items": [_actions(request.user, item, context) for item in items],
        }
    )
    if request.htmx and request.htmx.target == "queue-list":
        return render(request, "mentoring/queue.html#queue-list", context)
    return render(request, "mentoring/queue.html", context)


def _request_or_404(request, context, request_id):
    item = selectors.get_request(context["sprint"], request_id)
    if not may_view_request(request.user, item, roles=context["roles"]):
        raise Http404("No such help request.")
    return item


@login_required
def request_detail(request, slug, request_id):
    context = viewer_context(request, slug)
    item = _request_or_404(request, context, request_id)
    return _render_detail(request, context, item)


def _render_detail(request, context, item, *, note_form=None, close_form=None, status=200):
    context.update(
        {
            **_actions(request.user, item, context),
            "note_form": note_form or NoteForm(),
            "close_form": close_form or CloseForm(),
        }
    )
    return render(request, "mentoring/request.html", context, status=status)


def _after_action(request, slug, item):
    """Back to where the button was: the queue for mentors, else the request itself."""
    if request.POST.get("next") == "queue":
        return redirect("mentoring:queue", slug=slug)
    return redirect("mentoring:request", slug=slug, request_id=item.pk)


@login_required
@require_POST
def claim(request, slug, request_id):
    context = viewer_context(request, slug)
    item = _request_or_404(request, context, request_id)
    try:
        helpdesk.help_request_claim(actor=request.user, request=item)
    except ServiceError as exc:
        messages.error(request, exc.text)
        return _after_action(request, slug, item)
    messages.success(request, _("It is yours: reach the team at %(contact)s.") % {"contact": item.contact})
    return redirect("mentoring:request", slug=slug, request_id=item.pk)


@login_required
@require_POST
def release(request, slug, request_id):
    context = viewer_context(request, slug)
    item = _request_or_404(request, context, request_id)
    try:
        helpdesk.help_request_release(actor=request.user, request=item)
    except ServiceError as exc:
        messages.error(request, exc.text)
    else:
        messages.success(request, _("Released: the request is back in the queue."))
    return _after_action(request, slug, item)


@login_required
@require_POST
def close(request, slug, request_id):
    context = viewer_context(request, slug)
    item = _request_or_404(request, context, request_id)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            helpdesk.help_request_close(actor=request.user, request=item, note=form.cleaned_data["note"])
        except ServiceError as exc:
            add_service_error(form, exc, {"closing_note": "note"})
        else:
            messages.success(request, _("The request is closed."))
            return _after_action(request, slug, item)
    return _render_detail(request, context, item, close_form=form, status=400)


@login_required
@require_POST
def add_note(request, slug, request_id):
    context = viewer_context(request, slug)
    item = _request_or_404(request, context, request_id)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            helpdesk.help_note_add(actor=request.user, request=item, body=form.cleaned_data["body"])
        except ServiceError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("Your note is saved; the team sees it on their request."))
            return redirect("mentoring:request", slug=slug, request_id=item.pk)
    return _render_detail(request, context, item, note_form=form, status=400)


@login_required
def overview(request, slug):
    """For organisers: requests waiting too long, counts per state and the median time to first answer."""
    context = viewer_context(request, slug)
    if not context["can_view_stats"]:
        raise PermissionDenied
    stats = selectors.help_stats(context["sprint"], now=context["now"])
    context.update(
        {
            "stats": stats,
            "alert_minutes": int(selectors.unclaimed_after().total_seconds() // 60),
            "median_minutes": (
                round(stats.median_first_answer.total_seconds() / 60) if stats.median_first_answer else None
            ),
            "mentor_count": len(selectors.mentors_of(context["sprint"])),
        }
    )
    context["unclaimed_rows"] = [_actions(request.user, item, context) for item in stats.unclaimed]
    return render(request, "mentoring/overview.html", context)
