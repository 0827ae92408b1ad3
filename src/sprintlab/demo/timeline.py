"""Sprint objects for the demo catalogue, with timelines placed on real dates or around today."""

import random
from contextlib import contextmanager
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.text import slugify

from sprintlab.core.models import TimeStampedModel
from sprintlab.demo import catalogue
from sprintlab.demo.catalogue import SprintSpec
from sprintlab.sprints.models import AdmissionMode, Sprint

KICKOFF_TIME_UTC = time(17, 0)


def kickoff_for(spec: SprintSpec, today: datetime) -> datetime:
    if spec.kickoff is not None:
        return datetime.combine(spec.kickoff, KICKOFF_TIME_UTC, tzinfo=UTC)
    day = (today + timedelta(days=spec.kickoff_in_days)).date()
    return datetime.combine(day, KICKOFF_TIME_UTC, tzinfo=UTC)


def build_sprint(spec: SprintSpec, *, today: datetime) -> Sprint:
    kickoff = kickoff_for(spec, today)
    sprint = Sprint(
        title=spec.title,
        slug=slugify(spec.title)[:100],
        research_area=spec.area,
        tagline=spec.tagline,
        description=catalogue.DESCRIPTION_MARKDOWN,
        rules=catalogue.RULES_MARKDOWN,
        code_of_conduct=catalogue.CODE_OF_CONDUCT_MARKDOWN,
        remote_allowed=True,
        admission_mode=AdmissionMode.REVIEWED if spec.reviewed else AdmissionMode.OPEN,
        is_published=spec.published,
        announced_at=kickoff - timedelta(days=60),
        registration_opens_at=kickoff - timedelta(days=45),
        registration_closes_at=kickoff - timedelta(days=7) if spec.reviewed else None,
        kickoff_at=kickoff,
        submission_deadline_at=kickoff + timedelta(days=2, hours=7),
        judging_ends_at=kickoff + timedelta(days=16),
        results_published_at=kickoff + timedelta(days=21),
    )
    sprint.created_at = sprint.updated_at = sprint.announced_at - timedelta(days=14)
    return sprint


def local_window(kickoff: datetime, deadline: datetime, zone_name: str) -> tuple[datetime, datetime]:
    """Doors open at 09:00 local time on kickoff day and close at 21:00 on deadline day."""
    zone = ZoneInfo(zone_name)
    opens = datetime.combine(kickoff.astimezone(zone).date(), time(9, 0), tzinfo=zone)
    closes = datetime.combine(deadline.astimezone(zone).date(), time(21, 0), tzinfo=zone)
    return opens.astimezone(UTC), closes.astimezone(UTC)


def moment_between(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random moment in [start, end), skewed towards the end like real sign-ups before kickoff."""
    span = max((end - start).total_seconds(), 1.0)
    fraction = rng.random() ** 0.6
    return start + timedelta(seconds=int(span * fraction))


@contextmanager
def historical_timestamps():
    """Let the generator write past ``created_at``/``updated_at`` values.

    ``auto_now_add``/``auto_now`` would stamp every bulk-created row with the current time, which
    would put every past registration in the same second and scramble waitlist order.
    """
    fields = []
    for model in _timestamped_models():
        for name in ("created_at", "updated_at"):
            field = model._meta.get_field(name)
            fields.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in fields:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _timestamped_models():
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, TimeStampedModel)]
