from functools import partial

from sprintlab.sprints.permissions import shows_organiser_home


def navigation(request):
    """What the main navigation shows; a callable, so that pages without the navigation pay nothing."""
    return {"shows_organiser_home": partial(shows_organiser_home, getattr(request, "user", None))}
