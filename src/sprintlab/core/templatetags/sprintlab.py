from django import template
from django.utils.safestring import mark_safe

from sprintlab.core.dates import format_local
from sprintlab.core.markdown import render_markdown

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


@register.filter(name="local_date", expects_localtime=False)
def local_date_filter(value, format_string: str = "DATETIME_FORMAT") -> str:
    """Like ``date``, but a time too close to datetime's limits to convert shows a placeholder, not a 500."""
    return format_local(value, format_string)
