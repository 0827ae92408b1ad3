"""Pages of this app; thin: validate, call a service or selector, render."""

from django.shortcuts import get_object_or_404, render

from sprintlab.sprints.models import Sprint


def sprint_list(request):
    return render(request, "sprints/sprint_list.html", {"sprints": Sprint.objects.filter(is_published=True)})


def sprint_detail(request, slug):
    return render(request, "sprints/sprint_detail.html", {"sprint": get_object_or_404(Sprint, slug=slug, is_published=True)})
