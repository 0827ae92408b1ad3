"""Hostile input against every page and every form on it: a 4xx with a message, and nothing changes.

Each page is opened by someone allowed to use it; its forms are read from the HTML as a browser would
submit them, then sent with one field at a time made hostile. The forms found must reach every page
of SprintLab's own apps, so a new page or form endpoint fails ``test_every_page_and_form_is_walked``
until PAGES lists it or a walked page links a form to it. Sign-in, sign-up and the admin are walked
too (the admin only for sprints: its forms all come from the same machinery).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import quote_plus, urlsplit

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from tests.core.forms_on_page import Form, PageForms
from tests.core.hostile import (
    HUGE_BODY_BYTES,
    NUL,
    OUT_OF_RANGE_NUMBERS,
    World,
    assert_database_unchanged,
    build_world,
    database_snapshot,
)

pytestmark = pytest.mark.django_db

PROJECT_NAMESPACES = {
    "accounts",
    "sprints",
    "localsites",
    "registrations",
    "notifications",
    "programme",
    "mentoring",
    "announcements",
    "teams",
    "teamfinder",
    "judging",
    "submissions",
    "library",
}
# How a browser sends them: NUL percent-encoded, a lone surrogate as its (invalid) UTF-8 bytes.
ENCODED = {NUL: "a%00b", "surrogate": "%ED%BF%BF"}
# tests.core.hostile.OUT_OF_RANGE_DATES as date inputs send them (no zone: the reader's own applies).
OUT_OF_RANGE_INPUTS = {"datetime-local": ["0001-01-01T00:00", "9999-12-31T23:30"], "date": ["0001-01-01", "9999-12-31"]}


@dataclass
class Page:
    actor: str | None
    kwargs: Callable[[World], dict] = lambda world: {}
    # A page walked once more as another person (whose forms differ) is listed under another key.
    url_name: str | None = None


def _sprint(w):
    return {"slug": w.sprint.slug}


def _team(w):
    return {"slug": w.sprint.slug, "team_id": w.team.pk}


def _judging(w):
    return {"slug": w.judging_sprint.slug}


def _site(w):
    return {"sprint_slug": w.sprint.slug, "slug": w.site.slug}


PAGES = {
    "accounts:profile": Page("participant"),
    "accounts:tokens": Page("participant"),
    "accounts:public_profile": Page(None, lambda w: {"pk": w.participant.pk}),
    "sprints:list": Page("staff"),
    "sprints:create": Page("staff"),
    "sprints:partner_create": Page("staff"),
    "sprints:detail": Page("staff", _sprint),
    "sprints:edit": Page("staff", _sprint),
    "sprints:clone": Page("staff", _sprint),
    "sprints:team": Page("staff", _sprint),
    "sprints:registrations": Page("staff", _sprint),
    "localsites:mine": Page("applicant"),
    "localsites:list": Page("staff", lambda w: {"sprint_slug": w.sprint.slug}),
    "localsites:apply": Page("participant", lambda w: {"sprint_slug": w.sprint.slug}),
    "localsites:applications": Page("staff", lambda w: {"sprint_slug": w.sprint.slug}),
    "localsites:detail": Page("staff", _site),
    "localsites:edit": Page("applicant", lambda w: {"sprint_slug": w.sprint.slug, "slug": w.application.slug}),
    "localsites:dashboard": Page("site_lead", _site),
    "localsites:export": Page("site_lead", _site),
    "registrations:check_in": Page("site_lead", _site),
    "registrations:mine": Page("participant"),
    "registrations:organising": Page("staff"),
    "registrations:register": Page("participant", lambda w: {"slug": w.open_sprint.slug}),
    "registrations:admissions": Page("staff", lambda w: {"slug": w.reviewed_sprint.slug}),
    "registrations:calendar": Page("participant", lambda w: {"slug": w.open_sprint.slug}),
    "registrations:switch": Page("participant", lambda w: {"pk": w.registration.pk}),
    "registrations:check_in_code": Page("participant", lambda w: {"pk": w.registration.pk}),
    "registrations:check_in_code_svg": Page("participant", lambda w: {"pk": w.registration.pk}),
    "programme:schedule": Page("participant", _sprint),
    "programme:schedule_ics": Page(None, _sprint),
    "programme:agenda": Page("participant", _sprint),
    "programme:my_agenda": Page("participant"),
    "programme:resources": Page(None, _sprint),
    "programme:calendar": Page("participant"),
    "programme:personal_ics": Page(None, lambda w: {"token": w.feed.token}),
    "programme:manage_sessions": Page("staff", _sprint),
    "programme:session_create": Page("staff", _sprint),
    "programme:session_edit": Page("staff", lambda w: {"slug": w.sprint.slug, "pk": w.session.pk}),
    "programme:speakers": Page("staff", _sprint),
    "programme:speaker_edit": Page("staff", lambda w: {"slug": w.sprint.slug, "pk": w.speaker.pk}),
    "programme:manage_resources": Page("staff", _sprint),
    "programme:resource_edit": Page("staff", lambda w: {"slug": w.sprint.slug, "pk": w.resource.pk}),
    "mentoring:mentors": Page("mentee", lambda w: {"slug": w.running_sprint.slug}),
    "mentoring:office_hours": Page("mentor", lambda w: {"slug": w.running_sprint.slug}),
    "mentoring:ask": Page("mentee", lambda w: {"slug": w.running_sprint.slug}),
    "mentoring:queue": Page("mentor", lambda w: {"slug": w.running_sprint.slug}),
    "mentoring:overview": Page("staff", lambda w: {"slug": w.running_sprint.slug}),
    "mentoring:edit_profile": Page("staff", lambda w: {"slug": w.running_sprint.slug, "user_id": w.mentor.pk}),
    "mentoring:request": Page("mentor", lambda w: {"slug": w.running_sprint.slug, "request_id": w.claimed_request.pk}),
    "teams:list": Page("participant", _sprint),
    "teams:create": Page("loner", _sprint),
    "teams:mine": Page("loner", _sprint),
    "teams:join_code": Page("loner", _sprint),
    "teams:join_link": Page("loner", lambda w: {"slug": w.sprint.slug, "code": w.team.invite_code}),
    "teams:detail": Page("team_lead", _team),
    "teams:detail as a member": Page("team_member", _team, url_name="teams:detail"),
    "teams:detail as someone who asked to join": Page("joiner", _team, url_name="teams:detail"),
    "teams:detail as someone without a team": Page("loner", _team, url_name="teams:detail"),
    "teams:edit": Page("team_lead", _team),
    "teamfinder:profile": Page("participant", _sprint),
    "teamfinder:suggestions": Page("participant", _sprint),
    "teamfinder:my_group": Page("participant", _sprint),
    "teamfinder:grouping": Page("staff", _sprint),
    "teamfinder:outcomes": Page("staff", _sprint),
    "judging:overview": Page("staff", _judging),
    "judging:criteria": Page("staff", _judging),
    "judging:criteria of a sprint without criteria": Page(
        "staff", lambda w: {"slug": w.running_sprint.slug}, url_name="judging:criteria"
    ),
    "judging:criterion_edit": Page("staff", lambda w: {**_judging(w), "pk": w.criterion.pk}),
    "judging:assignments": Page("staff", _judging),
    "judging:reviews": Page("staff", _judging),
    "judging:ranking": Page("staff", _judging),
    "judging:scores_csv": Page("staff", _judging),
    "judging:queue": Page("judge", _judging),
    "judging:bids": Page("judge", _judging),
    "judging:profile": Page("judge", _judging),
    "judging:compare": Page("judge", _judging),
    "judging:review": Page(
        "judge", lambda w: {**_judging(w), "submission_id": w.judged_submission.pk, "kind": "global"}
    ),
    "judging:local_round": Page("local_judge", lambda w: {**_judging(w), "site_slug": w.judging_site.slug}),
    "judging:accept": Page("participant", lambda w: {"token": w.judge_invitation_token}),
    "submissions:mine": Page("mentee", lambda w: {"slug": w.running_sprint.slug}),
    "submissions:mine for someone alone": Page("participant", _sprint, url_name="submissions:mine"),
    "submissions:list": Page("staff", lambda w: {"slug": w.running_sprint.slug}),
    "submissions:detail": Page("mentee", lambda w: {"slug": w.running_sprint.slug, "submission_id": w.submission.pk}),
    "submissions:extension": Page("staff", lambda w: {"slug": w.running_sprint.slug, "team_id": w.mentee_team.pk}),
    "submissions:report": Page(
        "mentee", lambda w: {"slug": w.running_sprint.slug, "version_id": w.submission_version.pk}
    ),
    "submissions:thumbnail": Page(
        "mentee", lambda w: {"slug": w.running_sprint.slug, "version_id": w.submission_version.pk}
    ),
    "submissions:appendix": Page("staff", lambda w: {"slug": w.running_sprint.slug, "appendix_id": w.appendix.pk}),
    "library:index": Page(None),
    "library:project": Page("staff", lambda w: {"pk": w.library.flagged.pk}),
    "library:report": Page("library_author", lambda w: {"pk": w.library.project.pk}),
    "library:bibtex": Page(None, lambda w: {"pk": w.library.project.pk}),
    "library:feedback": Page("library_author", lambda w: {"pk": w.library.project.pk}),
    "library:verify_lookup": Page(None),
    "library:verify": Page(None, lambda w: {"code": w.library.certificate.code}),
    "library:certificate": Page("library_author", lambda w: {"slug": w.library.released_sprint.slug}),
    "library:results": Page(None, lambda w: {"slug": w.library.released_sprint.slug}),
    "library:my_feedback": Page("library_author", lambda w: {"slug": w.library.released_sprint.slug}),
    "library:results_json": Page(None, lambda w: {"slug": w.library.released_sprint.slug}),
    "library:manage_results": Page("staff", lambda w: {"slug": w.library.pending_sprint.slug}),
    "library:similar": Page("staff", lambda w: {"slug": w.library.pending_sprint.slug, "pk": w.library.clear.pk}),
    "library:hazard_queue": Page("staff", lambda w: {"slug": w.library.pending_sprint.slug}),
    "library:hazard_decide": Page(
        "staff", lambda w: {"slug": w.library.pending_sprint.slug, "pk": w.library.flagged.pk}
    ),
    "notifications:outbox": Page("staff"),
    "announcements:list": Page("participant", _sprint),
    "announcements:create": Page("staff", _sprint),
    "announcements:detail": Page("staff", lambda w: {"slug": w.sprint.slug, "pk": w.announcement.pk}),
    "announcements:edit": Page("staff", lambda w: {"slug": w.sprint.slug, "pk": w.announcement.pk}),
    "notifications:outbox_detail": Page("staff", lambda w: {"pk": w.failed_email.pk}),
    "notifications:inbox": Page("participant"),
    "notifications:preferences": Page("participant"),
    "notifications:unsubscribe": Page(None, lambda w: {"token": w.unsubscribe_token}),
    "account_login": Page(None),
    "account_signup": Page(None),
    "account_reset_password": Page(None),
    "account_change_password": Page("participant"),
    "account_email": Page("participant"),
    "admin:sprints_sprint_changelist": Page("staff"),
    "admin:sprints_sprint_change": Page("staff", lambda w: {"object_id": w.sprint.pk}),
}


def project_url_names() -> set[str]:
    names = set()

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and namespace in PROJECT_NAMESPACES:
                names.add(f"{namespace}:{pattern.name}")

    walk(get_resolver().url_patterns, None)
    return names


def open_page(client, world: World, name: str) -> tuple[str, PageForms]:
    page = PAGES[name]
    client.logout()
    if page.actor:
        client.force_login(world.user(page.actor))
    url = reverse(page.url_name or name, kwargs=page.kwargs(world))
    response = client.get(url)
    assert response.status_code == 200, f"{name}: {response.status_code}"
    html = response.content.decode() if response["Content-Type"].startswith("text/html") else ""
    return url, PageForms.of(url, html)


def distinct_forms(forms: list[Form]) -> list[Form]:
    """One form per action and method: the rows of a table post the same fields to similar places."""
    seen, distinct = set(), []
    for form in forms:
        key = (resolve(urlsplit(form.action).path).view_name, form.method)
        if key not in seen:
            seen.add(key)
            distinct.append(form)
    return distinct


def encoded(values: dict[str, list[str]], hostile: dict[str, str]) -> str:
    """An urlencoded body or query; ``hostile`` values go as they are (already encoded)."""
    pairs = [f"{quote_plus(n)}={quote_plus(v)}" for n, vs in values.items() if n not in hostile for v in vs]
    pairs += [f"{quote_plus(n)}={v}" for n, v in hostile.items()]
    return "&".join(pairs)


def submit(client, form: Form, hostile: dict[str, str], values: dict[str, list[str]] | None = None):
    data = encoded(form.values if values is None else values, hostile)
    if form.method == "get":
        return client.get(f"{urlsplit(form.action).path}?{data}")
    return client.post(form.action, data, content_type="application/x-www-form-urlencoded")


def assert_refused_naming(response, field: str, label: str) -> None:
    assert response.status_code == 400, f"{label}: {response.status_code}"
    html = response.content.decode()
    assert re.search(rf"<li>{re.escape(escape(field))}: ", html), f"{label}: the message does not name {field}"


def assert_refused(response, label: str) -> None:
    """A 4xx with a message, or the form shown again with its errors (how the pages refuse input)."""
    html = response.content.decode(errors="replace")
    if response.status_code == 200:
        assert "errorlist" in html or "form-errors" in html, f"{label}: answered 200 without an error"
    else:
        assert 400 <= response.status_code < 500, f"{label}: answered {response.status_code}"
        assert html.strip(), f"{label}: no message"


# --- the tests -------------------------------------------------------------------------------


def test_every_page_and_form_is_walked(client):
    world = build_world()
    walked = set(PAGES)
    for name in PAGES:
        _url, page = open_page(client, world, name)
        walked |= {resolve(urlsplit(form.action).path).view_name for form in page.forms}
    missing = project_url_names() - walked
    assert not missing, f"pages or form endpoints nobody walks: {sorted(missing)}"


@pytest.mark.parametrize("name", list(PAGES))
def test_unstorable_text_is_refused_naming_the_field(client, name):
    world = build_world()
    url, page = open_page(client, world, name)
    requests = []  # (label, field, send)
    for key in PAGES[name].kwargs(world):
        # Digits fit every converter (slug, int); then the segment becomes hostile.
        bad_url = reverse(PAGES[name].url_name or name, kwargs={**PAGES[name].kwargs(world), key: "987654321"})
        requests.append((f"path {key}", None, lambda u=bad_url: client.get(u.replace("987654321", ENCODED[NUL]))))
    for query_name in page.same_page_query_names():
        for raw in ENCODED.values():
            requests.append((f"?{query_name}", query_name, lambda q=query_name, r=raw: client.get(f"{url}?{q}={r}")))
    for form in distinct_forms(page.forms):
        for field_name in form.kinds:
            for raw in ENCODED.values():
                label = f"{form.method} {form.action} {field_name}={raw}"
                requests.append((label, field_name, lambda f=form, n=field_name, r=raw: submit(client, f, {n: r})))
    assert requests, f"{name}: nothing to walk"
    before = database_snapshot()
    for label, field_name, send in requests:
        response = send()
        if field_name is None:
            assert response.status_code == 400 and b"Remove the NUL character" in response.content, label
        else:
            assert_refused_naming(response, field_name, label)
    assert_database_unchanged(before)


@pytest.mark.parametrize("name", PAGES)
def test_out_of_range_dates_and_numbers_are_refused(client, name):
    world = build_world()
    _url, page = open_page(client, world, name)
    before = database_snapshot()
    for form in distinct_forms(page.forms):
        if form.method != "post":
            continue
        # Tick every box (but "delete this row"), so that the values reach the checks behind them.
        values = {
            n: ["on"] if form.kinds[n] == "checkbox" and not n.endswith("DELETE") else vs
            for n, vs in form.values.items()
        }
        for field_name, kind in form.kinds.items():
            if "__prefix__" in field_name:
                continue  # the admin's template row for new inlines: never read by the server
            if kind in ("datetime-local", "date"):
                hostile = OUT_OF_RANGE_INPUTS[kind]
            elif kind == "number":
                hostile = [str(value) for value in OUT_OF_RANGE_NUMBERS]
            else:
                continue
            for value in hostile:
                response = submit(client, form, {field_name: quote_plus(value)}, values)
                assert_refused(response, f"{form.action} {field_name}={value}")
                assert_database_unchanged(before)


@pytest.mark.parametrize("name", PAGES)
def test_a_huge_body_is_refused(client, name):
    world = build_world()
    _url, page = open_page(client, world, name)
    before = database_snapshot()
    for form in distinct_forms(page.forms):
        if form.method == "post":
            response = submit(client, form, {"padding": "x" * HUGE_BODY_BYTES})
            assert_refused(response, f"{form.action} 6MB")
    assert_database_unchanged(before)
