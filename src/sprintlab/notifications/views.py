"""Pages of this app; thin: validate, call a service or selector, render."""

from django.contrib.admin.views.decorators import staff_member_required
from django.shortcuts import render

from sprintlab.notifications.models import OutboxMessage


@staff_member_required
def outbox_list(request):
    return render(request, "notifications/outbox_list.html", {"messages_page": OutboxMessage.objects.all()[:100]})
