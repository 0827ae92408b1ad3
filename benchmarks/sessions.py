"""Signed-in sessions for the page benchmark: ``python -m benchmarks.sessions`` prints them as JSON.

Runs with the app's settings (the benchmark's server environment), picks the people the page
benchmark signs in as from the ``large`` demo data, and creates one session for each through
Django's public API (``django.contrib.auth.login`` on a request built by ``RequestFactory``), so
that no sign-in form, rate limit or email code is involved. Prints, per role, the cookies to send,
and the pages to load (label, path).
"""

import json
import sys
from importlib import import_module


def session_for(user) -> str:
    from django.conf import settings
    from django.contrib.auth import login
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.session = import_module(settings.SESSION_ENGINE).SessionStore()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    return request.session.session_key


def choose_people(open_sprint_slug: str) -> dict:
    """The participant, the organiser and the site organiser the benchmark signs in as.

    The participant is the demo participant when they hold a live registration for the open sprint
    and several in all, else the person with the most registrations among those registered for it.
    """
    from django.db.models import Count

    from sprintlab.accounts.models import User
    from sprintlab.localsites.models import SiteOrganiser
    from sprintlab.registrations.models import ACTIVE_STATUSES, Registration
    from sprintlab.sprints.models import SprintRole

    in_open_sprint = Registration.objects.filter(sprint__slug=open_sprint_slug, status__in=ACTIVE_STATUSES)
    candidates = (
        User.objects.filter(pk__in=in_open_sprint.values("user_id"), is_staff=False)
        .annotate(n=Count("registrations"))
        .order_by("-n", "pk")
    )
    participant = candidates.filter(email="participant@example.org", n__gte=3).first() or candidates.first()
    organiser = (
        User.objects.filter(email="organiser@example.org").first()
        or User.objects.filter(sprint_memberships__role=SprintRole.ORGANISER, is_staff=False).order_by("pk").first()
    )
    links = SiteOrganiser.objects.filter(site__sprint__slug=open_sprint_slug).select_related("site", "user")
    link = links.filter(user__email="site-organiser@example.org").order_by("pk").first()
    link = link or links.order_by("-is_lead", "pk").first()
    people = {
        "participant": (
            participant,
            [
                ("sprint list", "/sprints/"),
                ("sprint page", f"/sprints/{open_sprint_slug}/"),
                ("sites list", f"/sprints/{open_sprint_slug}/sites/"),
                ("My sprints", "/me/sprints/"),
            ],
        ),
        "organiser": (organiser, [("Sprints I run", "/me/organising/")]),
    }
    if link is not None:
        dashboard = f"/sprints/{open_sprint_slug}/sites/{link.site.slug}/dashboard/"
        people["site organiser"] = (link.user, [("site dashboard", dashboard)])
    # Data without one of these people measures the others.
    return {role: entry for role, entry in people.items() if entry[0] is not None}


def main(argv: list[str]) -> int:
    import django

    django.setup()
    from django.conf import settings

    people = {}
    for role, (user, paths) in choose_people(argv[0]).items():
        people[role] = {
            "email": user.email,
            "name": user.name,
            "registrations": user.registrations.count(),
            "cookies": {settings.SESSION_COOKIE_NAME: session_for(user)},
            "paths": paths,
        }
    json.dump(people, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
