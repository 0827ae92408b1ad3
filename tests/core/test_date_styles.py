"""One set of named date styles (sprintlab.core.dates), used by every page, email and message.

The issue: pages showed "Saturday 12 December 2026", "Sat 12 Dec 2026" and "Dec. 12, 2026, 6 p.m."
side by side. Templates name a style; a format string written into a template or a Python module
fails the scan below, so new ones cannot creep in.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import timezone

from sprintlab.core.dates import DATE_STYLES, format_local, format_range, style_format
from tests.factories import (
    LocalSiteFactory,
    OutboxMessageFactory,
    RegistrationFactory,
    SprintFactory,
    StaffFactory,
    UserFactory,
)

SOURCE = Path(__file__).resolve().parents[2] / "src" / "sprintlab"
MOMENT = datetime(2027, 1, 14, 17, 30, tzinfo=UTC)  # a Thursday
STYLE_NAMES = {*DATE_STYLES, "c"}
# Where a pattern other than a named style is right: files and stamps for programs, not people.
MACHINE_FORMATS = {
    "registrations/ics.py": "iCalendar's UTC form",
    "registrations/export.py": "the CSV keeps a sortable ISO date and time",
    "sprints/views_registrations.py": "the CSV file's name",
}


def render(source: str, **context) -> str:
    return Template("{% load sprintlab %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("style", "text"), [("date", "Thu 14 Jan 2027"), ("datetime", "Thu 14 Jan 2027, 17:30"), ("time", "17:30")]
)
def test_each_style_reads_the_same_in_python_templates_and_emails(style, text):
    with timezone.override("UTC"):
        assert format_local(MOMENT, style) == text
        assert f">{text}</time>" in render(f'{{{{ at|local_date:"{style}" }}}}', at=MOMENT)
        assert (
            render(f'{{% autoescape off %}}{{{{ at|local_date:"{style}" }}}}{{% endautoescape %}}', at=MOMENT) == text
        )


def test_django_shows_dates_in_the_same_style():
    # The admin, {{ value }} and the date filter read the same formats (FORMAT_MODULE_PATH).
    with timezone.override("UTC"):
        assert Template("{{ at|date }}, {{ at|time }}").render(Context({"at": MOMENT})) == "Thu 14 Jan 2027, 17:30"


def test_a_format_string_instead_of_a_style_is_refused():
    with pytest.raises(ValueError, match="Unknown date style"):
        format_local(MOMENT, "j M Y")


@pytest.mark.parametrize(
    ("end", "text"),
    [
        (datetime(2027, 1, 14, 21, 0, tzinfo=UTC), "Thu 14 Jan 2027, 17:30 – 21:00"),
        (datetime(2027, 1, 16, 9, 0, tzinfo=UTC), "Thu 14 Jan 2027, 17:30 – Sat 16 Jan 2027, 09:00"),
    ],
    ids=["one day", "several days"],
)
def test_a_range_leaves_out_the_ends_date_only_within_one_day(end, text):
    with timezone.override("UTC"):
        assert format_range(MOMENT, end) == text
        html = render("{% date_range start end %}", start=MOMENT, end=end)
        assert re.sub(r"<[^>]+>", "", html) == text
    # The browser may show the two in a zone where they fall on different days: it gets both formats.
    assert f'data-format-same-day="{style_format("time")}"' in html
    assert f'data-format-other-day="{style_format("datetime")}"' in html


def test_a_range_in_an_email_is_plain_text():
    with timezone.override("UTC"):
        text = render("{% autoescape off %}{% date_range start end %}{% endautoescape %}", start=MOMENT, end=MOMENT)
    assert text == "Thu 14 Jan 2027, 17:30 – 17:30"


def template_files():
    return sorted(p for p in SOURCE.rglob("templates/**/*") if p.suffix in {".html", ".txt"})


def test_templates_name_a_style_instead_of_writing_a_format():
    ad_hoc = []
    for path in template_files():
        text = path.read_text()
        for match in re.finditer(r"\|\s*(date|time|naturaltime|naturalday)\b|\{%\s*now\b", text):
            ad_hoc.append(f"{path.relative_to(SOURCE)}: {match.group(0)} (use local_date or date_range)")
        for match in re.finditer(r"\|local_date:\s*(['\"])(.*?)\1", text):
            if match.group(2) not in STYLE_NAMES:
                ad_hoc.append(f"{path.relative_to(SOURCE)}: local_date:{match.group(2)!r}")
    assert template_files() and not ad_hoc, "\n".join(ad_hoc)


def test_python_formats_times_for_people_only_through_the_styles():
    ad_hoc = []
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(SOURCE).as_posix()
        if name in MACHINE_FORMATS or name.startswith("core/dates.py") or "/migrations/" in name:
            continue
        for match in re.finditer(r"\.strftime\(|\bdate_format\(|\btime_format\(|\bdateformat\.", path.read_text()):
            ad_hoc.append(f"{name}: {match.group(0)}")
    assert not ad_hoc, "\n".join(ad_hoc)


def shown_formats(html: str) -> set[str]:
    return set(re.findall(r'<time [^>]*data-format="([^"]+)"', html)) | set(
        re.findall(r'data-format-(?:same|other)-day="([^"]+)"', html)
    )


@pytest.mark.django_db
def test_the_pages_people_read_show_only_the_named_styles(client):
    styles = {style_format(style) for style in DATE_STYLES}
    sprint = SprintFactory()
    site = LocalSiteFactory(sprint=sprint)
    person = UserFactory()
    RegistrationFactory(sprint=sprint, site=site, user=person)
    pages = {"sprint list": "/sprints/", "sprint": sprint.get_absolute_url(), "site": site.get_absolute_url()}
    seen = {}
    for label, url in pages.items():
        seen[label] = shown_formats(client.get(url).content.decode())
    client.force_login(person)
    seen["my sprints"] = shown_formats(client.get("/me/sprints/").content.decode())
    client.force_login(StaffFactory())
    message = OutboxMessageFactory()
    seen["outbox"] = shown_formats(client.get("/staff/outbox/").content.decode())
    seen["outbox message"] = shown_formats(client.get(f"/staff/outbox/{message.pk}/").content.decode())
    for label, formats in seen.items():
        assert formats and formats <= styles, f"{label}: {formats - styles or 'no times'}"
