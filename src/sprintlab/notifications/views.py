"""Staff pages of the outbox; thin: validate, call a service or selector, render."""

from functools import wraps

import nh3
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sprintlab.notifications import selectors, services
from sprintlab.notifications.models import NotificationKind, OutboxChannel, OutboxMessage, OutboxStatus

PAGE_SIZE = 50


def outbox_staff_only(view):
    """Anonymous visitors are sent to sign in; signed-in non-staff get a 404 (nothing to see here)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.has_perm("notifications.view_outbox"):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@outbox_staff_only
def outbox_list(request):
    """Every delivery (email and chat webhook), filtered by text, status, kind and channel, with the
    number of each status under the other filters; failures show their last error. "Failed, in
    doubt" lists the messages a dead worker may or may not have sent (docs/outbox.md)."""
    query = request.GET.get("q", "")[:200]
    status = _known(request.GET.get("status", ""), [*OutboxStatus.values, selectors.IN_DOUBT])
    kind = _known(request.GET.get("kind", ""), NotificationKind.values)
    channel = _known(request.GET.get("channel", ""), OutboxChannel.values)
    messages_found = selectors.outbox_search(query=query, status=status, kind=kind, channel=channel)
    page = Paginator(messages_found, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.outbox_status_counts(query=query, kind=kind, channel=channel)
    status_choices = [*OutboxStatus.choices, (selectors.IN_DOUBT, _("Failed, in doubt"))]
    return render(
        request,
        "notifications/outbox_list.html",
        {
            "page": page,
            "query": query,
            "status": status,
            "kind": kind,
            "channel": channel,
            "status_choices": status_choices,
            "kind_choices": NotificationKind.choices,
            "channel_choices": OutboxChannel.choices,
            "status_counts": [(value, label, counts[value]) for value, label in status_choices],
            "filtered": bool(query or status or kind or channel),
        },
    )


def _known(value: str, allowed) -> str:
    return value if value in allowed else ""


@outbox_staff_only
def outbox_detail(request, pk: int):
    message = get_object_or_404(OutboxMessage.objects.select_related("user"), pk=pk)
    # A message stored unrendered (rendered at delivery) is shown as it will be sent.
    try:
        services.outbox_render(message)
    except Exception as exc:
        message.body_text = _("This message cannot be rendered: %(error)s") % {"error": exc}
    return render(
        request,
        "notifications/outbox_detail.html",
        {
            "message": message,
            # Email HTML is shown as a sanitised rendering (no scripts, styles or remote tricks) and as source.
            "html_preview": nh3.clean(message.body_html, link_rel="noopener noreferrer nofollow")
            if message.body_html
            else "",
            "attachments": selectors.attachment_summaries(message),
            "can_retry": message.status == OutboxStatus.FAILED
            and request.user.has_perm("notifications.retry_message", message),
        },
    )


@outbox_staff_only
@require_POST
def outbox_retry(request, pk: int):
    message = get_object_or_404(OutboxMessage, pk=pk)
    try:
        services.outbox_retry(message=message, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The message was queued again."))
    return redirect("notifications:outbox_detail", pk=message.pk)
