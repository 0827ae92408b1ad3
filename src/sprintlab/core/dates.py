"""Showing dates and times to people: one set of named styles, and no page taken down by one odd value.

Every page, email and message names one of ``DATE_STYLES`` (``date``, ``datetime``, ``time``), or
shows two times as a range (``format_range``); the formats themselves come from Django's
localisation (``sprintlab/core/formats/<language>/formats.py``) and ``sprintlab/app.js`` repeats
them in the browser's zone. ``c`` is the machine-readable instant for attributes. Files meant for
programs (CSV, iCalendar, the API) keep ISO 8601 and do not use these.

New input stays inside the accepted window (sprintlab.core.validators), but rows written before the
window existed, or by hand, may hold a time at the very edge of datetime's range. Converting such a
time to the viewer's zone overflows; these helpers show a placeholder instead, so a list with one
odd row still renders every other row.
"""

from datetime import date, datetime, tzinfo

from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Style name -> the Django format setting that holds its pattern for the active language.
DATE_STYLES = {"date": "DATE_FORMAT", "datetime": "DATETIME_FORMAT", "time": "TIME_FORMAT"}
MACHINE_FORMAT = "c"  # ISO 8601, for datetime="" attributes
RANGE_SEPARATOR = " – "


def style_format(style: str) -> str:
    """The format pattern of ``style`` in the active language ("D j M Y, H:i" for ``datetime`` in English)."""
    if style == MACHINE_FORMAT:
        return style
    if style not in DATE_STYLES:
        raise ValueError(f"Unknown date style {style!r}: use one of {sorted(DATE_STYLES)} (sprintlab.core.dates).")
    return formats.get_format(DATE_STYLES[style])


def localtime_or_none(value: datetime | None, zone=None) -> datetime | None:
    """``value`` in ``zone`` (the active zone by default); None when the conversion would overflow."""
    if value is None:
        return None
    if timezone.is_naive(value):
        return value
    try:
        return timezone.localtime(value, zone)
    except OverflowError:
        return None


def format_local(value: datetime | date | None, style: str = "datetime", zone: tzinfo | None = None) -> str:
    """``value`` in ``zone`` (the active zone by default) in the named ``style``; "" for None."""
    pattern = style_format(style)
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):  # a date: nothing to convert
        return formats.date_format(value, pattern)
    local = localtime_or_none(value, zone)
    if local is None:
        # Machine-readable attributes (``c``) keep the exact instant, in UTC.
        return value.isoformat() if style == MACHINE_FORMAT else _("(date out of range)")
    return formats.date_format(local, pattern)


def range_end_style(start: datetime | None, end: datetime | None, zone: tzinfo | None = None) -> str:
    """The style of a range's end: just the time when it ends on the day it starts, else the full date and time."""
    start_local, end_local = localtime_or_none(start, zone), localtime_or_none(end, zone)
    if start_local is not None and end_local is not None and start_local.date() == end_local.date():
        return "time"
    return "datetime"


def format_range(start: datetime | None, end: datetime | None, zone: tzinfo | None = None) -> str:
    """ "Sat 12 Dec 2026, 09:00 – Sun 13 Dec 2026, 17:00", or "… 09:00 – 17:00" within one day."""
    return (
        format_local(start, "datetime", zone)
        + RANGE_SEPARATOR
        + format_local(end, range_end_style(start, end, zone), zone)
    )
