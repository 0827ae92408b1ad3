"""The values SprintLab accepts for times, counts and durations: one window, used everywhere.

Python's datetime ends at year 9999 and starts at year 1; PostgreSQL goes further both ways. A time
near either end survives parsing but overflows the moment it is converted to UTC or to a viewer's
zone, or shifted by a clone. Every time a person can enter is therefore kept inside a window far from
both ends, and every number that feeds date arithmetic or the database's integer columns has a
ceiling. Model fields, forms, API schemas and services all take their limits from here, so a value is
refused with the same message wherever it comes in.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pydantic import AfterValidator, Field
from pydantic_core import PydanticCustomError

EARLIEST_DATETIME = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_DATETIME = datetime(2100, 1, 1, tzinfo=UTC)  # exclusive: the last accepted day is 2099-12-31

# Seats of a sprint or of one site; far above any real event, far below the database's integer limit.
MAX_SEATS = 100_000
# People in one sprint team: a research team, not a crowd.
MAX_TEAM_SIZE = 50
# How long an admitted person has to confirm a seat: at most a year, so "now + window" stays a date.
MAX_CONFIRM_WINDOW_HOURS = 24 * 365
# Tracks or prizes of one sprint; their position is a small integer column.
MAX_SPRINT_ITEMS = 100
# Ids in request bodies; larger ones cannot be a primary key (they stop at 2**63 - 1).
MAX_ID = 2**63 - 1
# RFC 5321 limits a forward path to 256 octets, so an address is at most 254 characters.
MAX_EMAIL_LENGTH = 254
# Pagination: items per page and how deep a list may be paged.
MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000
MAX_PAGE = MAX_OFFSET // MAX_PAGE_SIZE

DATETIME_WINDOW_MESSAGE = _("Choose a date between 2000-01-01 and 2099-12-31.")


def _as_utc(value: datetime) -> datetime | None:
    """``value`` in UTC (a naive one is taken as UTC), or None when the conversion leaves datetime's range."""
    if timezone.is_naive(value):
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        return None


def datetime_in_window(value: datetime) -> bool:
    moment = _as_utc(value)
    return moment is not None and EARLIEST_DATETIME <= moment < LATEST_DATETIME


def validate_datetime_in_window(value: datetime | None) -> None:
    """Django validator for model and form fields."""
    if value is not None and not datetime_in_window(value):
        raise ValidationError(DATETIME_WINDOW_MESSAGE, code="datetime_out_of_window")


def shifted_in_window(value: datetime, delta: timedelta) -> datetime | None:
    """``value + delta``, or None when the result would leave the window (or datetime's range)."""
    try:
        moved = value + delta
    except OverflowError:
        return None
    return moved if datetime_in_window(moved) else None


def max_value(limit: int) -> MaxValueValidator:
    return MaxValueValidator(limit, message=_("Enter a number no larger than %(limit_value)s."))


# --- API schemas (pydantic) ------------------------------------------------------------------------


def _check_window(value: datetime) -> datetime:
    if not datetime_in_window(value):
        raise PydanticCustomError("datetime_out_of_window", str(DATETIME_WINDOW_MESSAGE))
    return value


# A time in an API body: parsed by pydantic, then kept inside the window (422 with the field's name).
# Counts that are model fields (seats, hours) are left to the models' validators, which answer 400
# with the same message as the pages.
WindowedDateTime = Annotated[datetime, AfterValidator(_check_window)]
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]
Email = Annotated[str, Field(max_length=MAX_EMAIL_LENGTH)]
