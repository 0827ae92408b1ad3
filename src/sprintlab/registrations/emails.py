"""The emails a registration sends, each written to the outbox inside the caller's transaction.

Every email is rendered in the participant's own time zone (their profile's, UTC when empty), and
its outbox key names the registration, its revision and the event, so a transition sends its
email once even if the code around it runs again.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from sprintlab.core.timezones import resolve_timezone
from sprintlab.localsites.models import LocalSite
from sprintlab.notifications.services import Attachment, RenderedEmail, outbox_enqueue, render_body
from sprintlab.registrations import check_in_codes
from sprintlab.registrations.ics import CalendarEvent, build_calendar
from sprintlab.registrations.models import AdmissionWave, Registration
from sprintlab.sprints.models import Sprint

CONFIRMED = "confirmed"
SEAT_GRANTED = "seat_granted"
WAITLISTED = "waitlisted"
APPLIED = "applied"
OFFERED = "offered"
DECLINED = "declined"
CANCELLED = "cancelled"
EXPIRED = "expired"

# Events whose email tells the person they have a seat: those carry the calendar invite.
EVENTS_WITH_CALENDAR = {CONFIRMED, SEAT_GRANTED}

SUBJECTS = {
    CONFIRMED: lambda sprint: _("You're registered for %(sprint)s") % {"sprint": sprint},
    SEAT_GRANTED: lambda sprint: _("You got a seat at %(sprint)s") % {"sprint": sprint},
    WAITLISTED: lambda sprint: _("You're on the waitlist for %(sprint)s") % {"sprint": sprint},
    APPLIED: lambda sprint: _("We received your application for %(sprint)s") % {"sprint": sprint},
    OFFERED: lambda sprint: _("You're admitted to %(sprint)s: please confirm your seat") % {"sprint": sprint},
    DECLINED: lambda sprint: _("Your application for %(sprint)s") % {"sprint": sprint},
    CANCELLED: lambda sprint: _("Your registration for %(sprint)s is cancelled") % {"sprint": sprint},
    EXPIRED: lambda sprint: _("Your offer for %(sprint)s has expired") % {"sprint": sprint},
}


def calendar_for(registration: Registration) -> str:
    """An .ics calendar with the sprint (and the site's opening hours when the person is at a site)."""
    return sprint_calendar(registration.sprint, registration=registration)


def sprint_calendar(sprint: Sprint, *, registration: Registration | None = None) -> str:
    """The sprint from kickoff to submission deadline, plus the site's hours for a registration at a site.

    The same UIDs as the confirmation email's attachment, so importing both updates one event.
    """
    site = registration.site if registration is not None else None
    owner = f"registration-{registration.pk}" if registration is not None else "public"
    sprint_url = settings.SITE_URL + sprint.get_absolute_url()
    events = [
        CalendarEvent(
            uid=f"sprint-{sprint.pk}-{owner}@sprintlab",
            start=sprint.kickoff_at,
            end=sprint.submission_deadline_at,
            summary=sprint.title,
            description=_("Kickoff to submission deadline. Details: %(url)s") % {"url": sprint_url},
            location=_("Online") if site is None else f"{site.name}, {site.address}, {site.city}",
            url=sprint_url,
        )
    ]
    if site is not None and (site.starts_at, site.ends_at) != (sprint.kickoff_at, sprint.submission_deadline_at):
        events.append(
            CalendarEvent(
                uid=f"site-{site.pk}-{owner}@sprintlab",
                start=site.starts_at,
                end=site.ends_at,
                summary=_("%(sprint)s at %(site)s") % {"sprint": sprint.title, "site": site.name},
                description=_("Doors open and close at the local site."),
                location=f"{site.name}, {site.address}, {site.city}",
                url=settings.SITE_URL + site.get_absolute_url(),
            )
        )
    return build_calendar(events, now=timezone.now())


def check_in_context(registration: Registration) -> dict:
    """A seat at a site comes with its check-in code: a link to the QR code's page and the short code.

    The QR image itself is not attached: the outbox stores text attachments, and many mail
    clients block SVG (docs/decisions/0009-check-in-qr.md). Remote seats have no door to check in at.
    """
    if registration.site is None:
        return {}
    return {
        "check_in_url": settings.SITE_URL + reverse("registrations:check_in_code", kwargs={"pk": registration.pk}),
        "check_in_short_code": check_in_codes.short_code(registration.pk),
    }


def notify(
    registration: Registration,
    event: str,
    *,
    wave: AdmissionWave | None = None,
    switched: bool = False,
    new_revision: bool = False,
) -> None:
    """Write the email for ``event`` to the outbox (inside the caller's transaction).

    Only the recipient, the subject and a few ids are stored now; the body and the .ics are
    rendered by ``render`` when the message is delivered, outside the request and its locks. The
    place and the offer deadline are taken as they are now, so a later change does not alter
    what this email says. ``new_revision``: the caller bumped the registration's revision in this
    transaction, so the outbox key is certainly new.
    """
    user, sprint = registration.user, registration.sprint
    outbox_enqueue(
        key=f"registration:{registration.pk}:{registration.revision}:{event}",
        to_email=user.email,
        user=user,
        subject=SUBJECTS[event](sprint.title),
        renderer=RENDERER,
        render_context={
            "registration": registration.pk,
            "event": event,
            "site": registration.site_id,
            "confirm_by": registration.confirm_by.isoformat() if registration.confirm_by else None,
            "wave": wave.pk if wave is not None else None,
            "switched": switched,
        },
        fresh_key=new_revision,
    )


RENDERER = "sprintlab.registrations.emails.render"


def render(context: dict) -> RenderedEmail:
    """The body (in the participant's time zone) and attachments of an email stored by ``notify``."""
    registration = Registration.objects.select_related("sprint", "user").get(pk=context["registration"])
    event = context["event"]
    # The place and deadline the email was written for, which may differ from today's.
    site_id = context.get("site")
    registration.site = LocalSite.objects.filter(pk=site_id).first() if site_id else None
    registration.site_id = registration.site.pk if registration.site else None
    confirm_by = context.get("confirm_by")
    registration.confirm_by = datetime.fromisoformat(confirm_by) if confirm_by else None
    wave = AdmissionWave.objects.filter(pk=context["wave"]).first() if context.get("wave") else None
    user, sprint = registration.user, registration.sprint
    zone = resolve_timezone(user.timezone) or UTC
    with timezone.override(zone):
        attachments, check_in = (), {}
        if event in EVENTS_WITH_CALENDAR:
            attachments = (Attachment(f"{sprint.slug}.ics", "text/calendar", calendar_for(registration)),)
            check_in = check_in_context(registration)
        body_text, body_html = render_body(
            f"registrations/email/{event}",
            {
                "registration": registration,
                "sprint": sprint,
                "site": registration.site,
                "person": user,
                "wave": wave,
                "switched": context.get("switched", False),
                "zone_name": str(zone),
                "my_sprints_url": settings.SITE_URL + reverse("registrations:mine"),
                "sprint_url": settings.SITE_URL + sprint.get_absolute_url(),
                **check_in,
            },
        )
    return RenderedEmail(body_text=body_text, body_html=body_html, attachments=attachments)
