from datetime import UTC, datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sprintlab.core.dates import (
    MACHINE_FORMAT,
    RANGE_SEPARATOR,
    format_local,
    format_range,
    localtime_or_none,
    range_end_style,
    style_format,
)
from sprintlab.core.markdown import render_markdown
from sprintlab.core.timezones import canonical_zone_name

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))


@register.simple_tag(takes_context=True)
def query_transform(context, **changes) -> str:
    """The current query string with ``changes`` applied: keeps filters while paging."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter(name="local_date", expects_localtime=False, needs_autoescape=True)
def local_date_filter(value, style: str = "datetime", autoescape: bool = True) -> str:
    """``value`` in the active zone in a named style (``date``, ``datetime``, ``time``; ``c`` for attributes).

    The one way templates show a time (sprintlab.core.dates): a format string instead of a style
    name is refused. A time too close to datetime's limits to convert shows a placeholder, not a 500.
    In HTML a time becomes ``<time datetime="UTC instant" data-format=… data-zone=…>text</time>``:
    on a first visit, before the server knows the viewer's zone, ``sprintlab/app.js`` rewrites the
    text in the browser's zone (only for times shown in the page's fallback zone, not those shown in
    a site's own zone). Plain text (``autoescape off``, as in emails) and ``c`` stay plain.
    """
    text = format_local(value, style)
    if not autoescape or style == MACHINE_FORMAT or not _convertible(value):
        return text
    return _time_element(value, text, pattern=style_format(style))


@register.simple_tag(takes_context=True)
def date_range(context, start, end) -> str:
    """Two times as one range: "Sat 12 Dec 2026, 09:00 – Sun 13 Dec 2026, 17:00", the end's date left out
    when it is the start's day. In HTML the end's ``<time>`` carries both formats, so that app.js picks
    the right one in the browser's zone, where the two may fall on different days."""
    text = format_range(start, end)
    if not context.autoescape or not (_convertible(start) and _convertible(end)):
        return text  # simple_tag escapes it in HTML
    end_style = range_end_style(start, end)
    return format_html(
        '<span class="date-range">{}{}{}</span>',
        _time_element(start, format_local(start, "datetime"), pattern=style_format("datetime")),
        RANGE_SEPARATOR,
        _time_element(
            end,
            format_local(end, end_style),
            pattern=style_format(end_style),
            same_day=style_format("time"),
            other_day=style_format("datetime"),
        ),
    )


def _convertible(value) -> bool:
    return isinstance(value, datetime) and not timezone.is_naive(value) and localtime_or_none(value) is not None


def _time_element(value: datetime, text: str, *, pattern: str, same_day: str = "", other_day: str = "") -> str:
    range_formats = (
        format_html(' data-format-same-day="{}" data-format-other-day="{}"', same_day, other_day) if same_day else ""
    )
    return format_html(
        '<time datetime="{}" data-format="{}"{} data-zone="{}">{}</time>',
        value.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        pattern,
        range_formats,
        canonical_zone_name(timezone.get_current_timezone_name()),
        text,
    )


@register.simple_tag(takes_context=True)
def timezone_name(context) -> str:
    """The zone the page's times are in; app.js updates it when it converts them to the browser's zone."""
    return format_html("<span data-timezone-name>{}</span>", context.get("current_timezone_name", ""))
