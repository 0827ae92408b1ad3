from datetime import UTC, datetime

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from sprintlab.core.dates import format_local, localtime_or_none
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
def local_date_filter(value, format_string: str = "DATETIME_FORMAT", autoescape: bool = True) -> str:
    """Like ``date``, but a time too close to datetime's limits to convert shows a placeholder, not a 500.

    In HTML a time becomes ``<time datetime="UTC instant" data-format=… data-zone=…>text</time>``:
    on a first visit, before the server knows the viewer's zone, ``sprintlab/app.js`` rewrites the
    text in the browser's zone (only for times shown in the page's fallback zone, not those shown in
    a site's own zone). Plain text (``autoescape off``, as in emails) and the ``c`` format, meant
    for attributes, stay plain.
    """
    text = format_local(value, format_string)
    if not autoescape or format_string == "c" or not isinstance(value, datetime) or timezone.is_naive(value):
        return text
    if localtime_or_none(value) is None:
        return text
    return format_html(
        '<time datetime="{}" data-format="{}" data-zone="{}">{}</time>',
        value.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        formats.get_format(format_string) if format_string.isupper() else format_string,
        canonical_zone_name(timezone.get_current_timezone_name()),
        text,
    )


@register.simple_tag(takes_context=True)
def timezone_name(context) -> str:
    """The zone the page's times are in; app.js updates it when it converts them to the browser's zone."""
    return format_html("<span data-timezone-name>{}</span>", context.get("current_timezone_name", ""))
