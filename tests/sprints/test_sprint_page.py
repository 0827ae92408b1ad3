"""The sprint page as the demo shows it: each fact once, in the order a phone reads it."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from sprintlab.demo.catalogue import OPEN_SPRINT_TITLE
from sprintlab.sprints.models import Sprint

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_sprint_page(client):
    call_command("seed_demo", "--scale", "small", stdout=StringIO())
    sprint = Sprint.objects.get(title=OPEN_SPRINT_TITLE)
    html = client.get(sprint.get_absolute_url()).content.decode()
    return sprint, html[html.index("<main") : html.index("</main>")]


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_title_tagline_tracks_and_co_hosts_appear_once(demo_sprint_page):
    sprint, main = demo_sprint_page
    text = visible_text(main).lower()
    names = [sprint.title, sprint.tagline]
    names += [track.name for track in sprint.tracks.all()] + [partner.name for partner in sprint.partners.all()]
    assert len(names) > 4  # the open sprint has tracks and co-hosts
    for name in names:
        assert text.count(name.lower()) == 1, f"{name!r} appears {text.count(name.lower())} times"


def test_key_facts_and_the_timeline_come_before_the_description(demo_sprint_page):
    _sprint, main = demo_sprint_page
    order = [
        main.index(marker)
        for marker in ('class="hero-dates"', 'class="hero-where"', 'class="register-box"', 'id="timeline-heading"')
    ]
    order += [main.index('id="about-heading"'), main.index('id="rules-heading"')]
    assert order == sorted(order)
    assert "local sites" in visible_text(main[order[1] : order[2]])  # where: remote, or at one of n sites


def test_prizes_rules_and_most_sites_start_collapsed(demo_sprint_page):
    _sprint, main = demo_sprint_page
    for heading in ("prizes-heading", "rules-heading"):
        assert re.search(rf'id="{heading}">[^<]*</h2>\s*<details class="collapsible">', main), heading
    shown, more = main.split('<details class="more-sites">')
    assert re.search(r'<ul class="site-list">(.*?)</ul>', shown, re.S).group(1).count("<li>") == 5
    assert re.search(r"<summary>\d+ more sites</summary>", more)
