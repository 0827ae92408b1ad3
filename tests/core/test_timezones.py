"""Times in the viewer's zone from the very first page, under canonical zone names."""

from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone

from sprintlab.accounts.validators import timezone_names
from sprintlab.core.middleware import TIMEZONE_COOKIE
from sprintlab.core.timezones import canonical_zone_name
from tests.factories import SprintFactory, UserFactory

pytestmark = pytest.mark.django_db
MOMENT = datetime(2027, 1, 14, 17, 30, tzinfo=UTC)


def render(source: str, **context) -> str:
    return Template("{% load sprintlab %}" + source).render(Context(context))


def test_local_date_renders_a_time_element_with_the_utc_instant():
    with timezone.override("Asia/Kolkata"):
        html = render('{{ at|local_date:"datetime" }}', at=MOMENT)
    assert html == (
        '<time datetime="2027-01-14T17:30:00Z" data-format="D j M Y, H:i" data-zone="Asia/Kolkata">'
        "Thu 14 Jan 2027, 23:00</time>"
    )


def test_local_date_stays_plain_text_in_emails_and_attributes():
    with timezone.override("UTC"):
        assert render('{% autoescape off %}{{ at|local_date:"time" }}{% endautoescape %}', at=MOMENT) == "17:30"
        assert render("{{ at|local_date:'c' }}", at=MOMENT) == "2027-01-14T17:30:00+00:00"


def test_named_styles_are_resolved_for_the_browser():
    assert 'data-format="D j M Y, H:i"' in render("{{ at|local_date }}", at=MOMENT)
    assert 'data-format="D j M Y"' in render('{{ at|local_date:"date" }}', at=MOMENT)


@pytest.mark.parametrize("legacy, canonical", [("Asia/Calcutta", "Asia/Kolkata"), ("Europe/Kiev", "Europe/Kyiv")])
def test_legacy_zone_names_become_canonical(legacy, canonical):
    assert canonical_zone_name(legacy) == canonical
    assert legacy not in timezone_names() and canonical in timezone_names()


def test_a_browser_reporting_asia_calcutta_sees_asia_kolkata(client):
    SprintFactory()
    client.cookies[TIMEZONE_COOKIE] = "Asia/Calcutta"
    page = client.get("/sprints/").content.decode()
    assert "Asia/Kolkata" in page and "Asia/Calcutta" not in page


def test_the_footer_does_not_ask_to_sign_in_when_the_browsers_zone_is_used(client):
    client.cookies[TIMEZONE_COOKIE] = "Asia/Kolkata"
    page = client.get("/sprints/").content.decode()
    assert "Sign in to choose your time zone" not in page
    assert "your browser’s time zone" in page
    assert "data-timezone-fallback" not in page  # the server already rendered in the browser's zone


def test_a_first_visit_leaves_the_conversion_to_the_browser(client):
    sprint = SprintFactory()
    page = client.get(sprint.get_absolute_url()).content.decode()
    assert 'data-timezone-fallback="UTC"' in page
    assert '<script id="zone-aliases" type="application/json">' in page
    assert "Sign in to choose your time zone" not in page
    assert 'data-zone="UTC"' in page


def test_a_signed_in_person_without_a_zone_gets_the_browsers(client):
    client.force_login(UserFactory(timezone=""))
    client.cookies[TIMEZONE_COOKIE] = "Asia/Calcutta"
    page = client.get("/sprints/").content.decode()
    assert "Asia/Kolkata" in page and "your browser’s time zone" in page


def test_the_browsers_zone_is_stored_canonically_at_sign_up(rf):
    from sprintlab.accounts.adapters import zone_from_browser

    request = rf.get("/")
    request.COOKIES[TIMEZONE_COOKIE] = "Asia/Calcutta"
    assert zone_from_browser(request) == "Asia/Kolkata"
