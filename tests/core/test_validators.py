"""The accepted window for times and the safe display of times outside it."""

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone as django_timezone
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from sprintlab.core.dates import format_local, localtime_or_none
from sprintlab.core.validators import (
    EARLIEST_DATETIME,
    LATEST_DATETIME,
    WindowedDateTime,
    datetime_in_window,
    shifted_in_window,
    validate_datetime_in_window,
)

PLUS_ONE = timezone(timedelta(hours=1))
MINUS_ONE = timezone(timedelta(hours=-1))
# The two times from the report: each parses, and each overflows the moment it is converted to UTC.
YEAR_ONE_PLUS_ONE = datetime(1, 1, 1, 0, 30, tzinfo=PLUS_ONE)
YEAR_9999_MINUS_ONE = datetime(9999, 12, 31, 23, 30, tzinfo=MINUS_ONE)


@pytest.mark.parametrize(
    "value",
    [
        EARLIEST_DATETIME,
        LATEST_DATETIME - timedelta(microseconds=1),
        datetime(2027, 3, 5, 17, 0, tzinfo=UTC),
        datetime(2000, 1, 1, 0, 30, tzinfo=MINUS_ONE),  # 01:30 UTC: inside
        datetime(2027, 3, 5, 17, 0),  # naive: read as UTC
    ],
)
def test_times_inside_the_window_pass(value):
    assert datetime_in_window(value)
    validate_datetime_in_window(value)


@pytest.mark.parametrize(
    "value",
    [
        YEAR_ONE_PLUS_ONE,
        YEAR_9999_MINUS_ONE,
        datetime(1, 1, 1, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
        LATEST_DATETIME,
        datetime(2000, 1, 1, 0, 30, tzinfo=PLUS_ONE),  # 1999-12-31 23:30 UTC: just outside
        datetime(1, 1, 1),
    ],
)
def test_times_outside_the_window_are_refused_without_overflowing(value):
    assert not datetime_in_window(value)
    with pytest.raises(ValidationError) as caught:
        validate_datetime_in_window(value)
    assert caught.value.messages == ["Choose a date between 2000-01-01 and 2099-12-31."]


def test_the_api_type_refuses_outside_times_by_name():
    adapter = TypeAdapter(WindowedDateTime)
    assert adapter.validate_python("2027-03-05T17:00:00Z") == datetime(2027, 3, 5, 17, tzinfo=UTC)
    for text in ("0001-01-01T00:30:00+01:00", "9999-12-31T23:30:00-01:00"):
        with pytest.raises(PydanticValidationError) as caught:
            adapter.validate_python(text)
        assert caught.value.errors()[0]["msg"] == "Choose a date between 2000-01-01 and 2099-12-31."


def test_shifting_stays_in_the_window_or_says_none():
    start = datetime(2027, 3, 5, tzinfo=UTC)
    assert shifted_in_window(start, timedelta(days=365)) == datetime(2028, 3, 4, tzinfo=UTC)
    assert shifted_in_window(start, timedelta(days=365 * 80)) is None
    assert shifted_in_window(datetime(9999, 12, 31, tzinfo=UTC), timedelta(days=2)) is None  # would overflow


@pytest.mark.parametrize(
    ("value", "zone"),
    [(datetime(1, 1, 1, tzinfo=UTC), "America/New_York"), (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), "Asia/Tokyo")],
)
def test_display_of_an_edge_time_shows_a_placeholder_instead_of_failing(value, zone):
    with django_timezone.override(ZoneInfo(zone)):
        assert localtime_or_none(value) is None
        assert format_local(value, "datetime") == "(date out of range)"
        assert format_local(value, "c") == value.isoformat()


def test_display_of_an_ordinary_time_uses_the_active_zone():
    with django_timezone.override(ZoneInfo("Asia/Tokyo")):
        assert format_local(datetime(2027, 3, 5, 17, tzinfo=UTC)) == "Sat 6 Mar 2027, 02:00"
    assert format_local(None) == ""
