from datetime import UTC, datetime, timedelta, timezone

from sprintlab.registrations.ics import CalendarEvent, build_calendar, escape_text, fold_line

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def event(**overrides):
    fields = {
        "uid": "sprint-1@sprintlab",
        "start": datetime(2026, 12, 5, 17, 0, tzinfo=UTC),
        "end": datetime(2026, 12, 7, 17, 0, tzinfo=UTC),
        "summary": "Interpretability Sprint",
        "location": "Online",
        "url": "https://sprintlab.example/sprints/interp/",
        "description": "Kickoff to deadline",
    }
    return CalendarEvent(**{**fields, **overrides})


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_structure_and_utc_times():
    calendar = build_calendar([event(start=datetime(2026, 12, 5, 18, 0, tzinfo=timezone(timedelta(hours=1))))], now=NOW)
    lines = calendar.split("\r\n")
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"]
    assert lines[-2:] == ["END:VCALENDAR", ""]
    for expected in (
        "PRODID:-//SprintLab//Registrations//EN",
        "BEGIN:VEVENT",
        "UID:sprint-1@sprintlab",
        "DTSTAMP:20261125T120000Z",
        "DTSTART:20261205T170000Z",
        "DTEND:20261207T170000Z",
        "SUMMARY:Interpretability Sprint",
        "LOCATION:Online",
        "URL:https://sprintlab.example/sprints/interp/",
        "DESCRIPTION:Kickoff to deadline",
        "END:VEVENT",
    ):
        assert expected in lines


def test_every_line_ends_with_crlf():
    calendar = build_calendar([event()], now=NOW)
    assert calendar.endswith("\r\n")
    assert "\n" not in calendar.replace("\r\n", "")


def test_text_is_escaped():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"
    calendar = build_calendar([event(summary="Evals; round 2, London\\Remote", location="Room 1\nFloor 2")], now=NOW)
    assert "SUMMARY:Evals\\; round 2\\, London\\\\Remote" in calendar
    assert "LOCATION:Room 1\\nFloor 2" in calendar


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    description = "Réunion à l'université — " * 20
    calendar = build_calendar([event(description=description)], now=NOW)
    for line in calendar.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert "DESCRIPTION:" + escape_text(description) in unfold(calendar)


def test_fold_line_keeps_short_lines():
    assert fold_line("SUMMARY:short") == "SUMMARY:short"
    folded = fold_line("X:" + "a" * 200)
    assert all(part.startswith(" ") for part in folded.split("\r\n")[1:])
