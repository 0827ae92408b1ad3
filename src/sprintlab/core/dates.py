"""Showing times to people without letting one odd stored value take a page down.

New input stays inside the accepted window (sprintlab.core.validators), but rows written before the
window existed, or by hand, may hold a time at the very edge of datetime's range. Converting such a
time to the viewer's zone overflows; these helpers show a placeholder instead, so a list with one
odd row still renders every other row.
"""

from datetime import datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _


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


def format_local(value: datetime | None, format_string: str = "DATETIME_FORMAT") -> str:
    """``value`` in the active zone, formatted like the ``date`` template filter; "" for None."""
    if value is None or value == "":
        return ""
    if not isinstance(value, datetime):  # a date: nothing to convert
        return formats.date_format(value, format_string)
    local = localtime_or_none(value)
    if local is None:
        # Machine-readable attributes (``c``) keep the exact instant, in UTC.
        return value.isoformat() if format_string == "c" else _("(date out of range)")
    return formats.date_format(local, format_string)
