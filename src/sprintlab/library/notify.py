"""Telling a sprint's participants that its results are out, and issuing their certificates.

Runs in a task (``library.tasks.announce_results``), scheduled after the release commits, never in
the organiser's request: for 10,000 participants it writes some 10,000 certificates, outbox rows and
inbox items in batches (``notifications.fanout``). It may run again (a retried task) and still reaches
each person at most once: the messages' keys are ``results:<sprint id>:<user id>`` (and
``results-team:<sprint id>:<user id>`` for people on a submitted project), certificates one per person.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _

from sprintlab.library import selectors, services
from sprintlab.notifications.fanout import fan_out
from sprintlab.notifications.models import NotificationKind
from sprintlab.sprints.models import Sprint


def results_url(sprint: Sprint) -> str:
    return reverse("library:results", kwargs={"slug": sprint.slug})


def my_feedback_url(sprint: Sprint) -> str:
    return reverse("library:my_feedback", kwargs={"slug": sprint.slug})


def certificate_url(sprint: Sprint) -> str:
    return reverse("library:certificate", kwargs={"slug": sprint.slug})


def results_message(sprint: Sprint, *, on_project: bool) -> dict:
    """The email and inbox item: the results, the certificate and, for a project's team, their feedback."""
    subject = _("The results of %(sprint)s are out") % {"sprint": sprint.title}
    lines = [
        (_("See the winners and the projects"), results_url(sprint)),
        (_("Download your certificate"), certificate_url(sprint)),
    ]
    if on_project:
        lines.insert(0, (_("Read your team's scores and the judges' feedback"), my_feedback_url(sprint)))
    text = "\n".join(f"{label}: {settings.SITE_URL}{url}" for label, url in lines)
    html = "".join(f'<p><a href="{escape(url)}">{escape(label)}</a></p>' for label, url in lines)
    return {
        "subject": f"[{sprint.title}] {subject}",
        "body_text": f"{subject}.\n\n{text}\n\n-- \n{sprint.title}\n",
        "body_html": html,
        "inbox_title": subject,
        "inbox_body_html": html,
        "inbox_url": lines[0][1],
    }


def results_announce(*, sprint_id: int) -> int:
    """Issue every participant's certificate, then tell each of them; returns how many were told.

    People on a submitted project (its authors and its team) are sent to their scores and feedback,
    everyone else to the results. Each person's preferences for announcements apply (email, inbox,
    unsubscribe), as for organisers' announcements.
    """
    sprint = Sprint.objects.filter(pk=sprint_id, results_release__isnull=False).first()
    if sprint is None:
        return 0
    people = selectors.participants_of(sprint)
    services.certificates_issue_all(sprint=sprint)
    on_project = sorted(user_id for user_id, submission_id in people.items() if submission_id is not None)
    others = sorted(user_id for user_id, submission_id in people.items() if submission_id is None)
    fan_out(
        kind=NotificationKind.ANNOUNCEMENT,
        key_prefix=f"results-team:{sprint.pk}",
        user_ids=on_project,
        **results_message(sprint, on_project=True),
    )
    fan_out(
        kind=NotificationKind.ANNOUNCEMENT,
        key_prefix=f"results:{sprint.pk}",
        user_ids=others,
        **results_message(sprint, on_project=False),
    )
    return len(people)


def schedule_results_announcement(sprint_id: int) -> None:
    from sprintlab.library.tasks import announce_results

    announce_results.enqueue(sprint_id)
