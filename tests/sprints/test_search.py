"""The sprint list's search (title, tagline, track, co-host) and pages, on the web and in the API."""

import pytest
from django.urls import reverse

from sprintlab.sprints.models import Track
from sprintlab.sprints.views import SPRINTS_PER_PAGE
from tests.factories import PartnerFactory, PastSprintFactory, SprintFactory
from tests.helpers import count_queries

pytestmark = pytest.mark.django_db

LIST = reverse("sprints:list")


@pytest.fixture
def sprints():
    evals = SprintFactory(title="Evals Weekend", tagline="Measure what models do.")
    Track.objects.create(sprint=evals, name="Sycophancy probes")
    Track.objects.create(sprint=evals, name="Deception")
    with_partner = SprintFactory(title="Governance Jam", tagline="Policy for frontier models.")
    with_partner.partners.add(PartnerFactory(name="Apollo Research"), PartnerFactory(name="METR"))
    SprintFactory(title="Interpretability Hackathon", tagline="Circuits in one weekend.")
    return {"evals": evals, "partner": with_partner}


def titles(response) -> list[str]:
    return [card["sprint"].title for card in response.context["cards"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("evals", ["Evals Weekend"]),  # title, any case
        ("POLICY frontier", ["Governance Jam"]),  # every word of the tagline
        ("sycophancy", ["Evals Weekend"]),  # a track
        ("apollo", ["Governance Jam"]),  # a co-host
        ("weekend", ["Evals Weekend", "Interpretability Hackathon"]),
        ("evals apollo", []),  # every word must match the same sprint
        ("100%_", []),  # LIKE wildcards are plain characters
    ],
)
def test_search_matches_title_tagline_track_and_cohost(client, sprints, query, expected):
    response = client.get(LIST, {"q": query})
    assert response.status_code == 200
    assert sorted(titles(response)) == expected


def test_a_sprint_matching_through_several_tracks_is_listed_once(client, sprints):
    Track.objects.create(sprint=sprints["evals"], name="Deception two")
    assert titles(client.get(LIST, {"q": "deception"})) == ["Evals Weekend"]


def test_the_search_keeps_its_words_and_says_how_many_match(client, sprints):
    assert 'value="evals weekend"' in client.get(LIST, {"q": "  evals   weekend "}).content.decode()
    html = client.get(LIST, {"q": "weekend", "when": "upcoming"}).content.decode()
    assert "2 sprints in “Upcoming” match." in html
    # The tabs keep the search, so "Past" shows past sprints matching the same words.
    assert 'href="?q=weekend&amp;when=past"' in html


def test_no_match_says_so_and_offers_a_way_back(client, sprints):
    html = client.get(LIST, {"q": "quantum"}).content.decode()
    assert "No sprint in “Upcoming” matches this search." in html
    assert "Clear the search" in html


def test_htmx_gets_only_the_results_and_the_count(client, sprints):
    response = client.get(LIST, {"q": "apollo"}, headers={"HX-Request": "true", "HX-Target": "sprint-results"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<p id="search-status"') and 'hx-swap-oob="true"' in html
    assert 'id="sprint-results"' in html and "Governance Jam" in html
    assert "<html" not in html and 'id="sprint-q"' not in html
    assert "HX-Request" in response["Vary"]


def test_an_htmx_history_restore_gets_the_whole_page(client, sprints):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "sprint-results"}
    html = client.get(LIST, {"q": "apollo"}, headers=headers).content.decode()
    assert "<html" in html and 'id="sprint-q"' in html


def test_without_javascript_the_form_is_a_plain_get_form(client, sprints):
    html = client.get(LIST).content.decode()
    assert f'<form method="get" action="{LIST}"' in html
    assert 'role="search"' in html and 'name="q"' in html and 'name="area"' in html


def test_past_sprints_come_a_page_at_a_time(client):
    for n in range(SPRINTS_PER_PAGE + 3):
        PastSprintFactory(title=f"Past sprint {n:02d}")
    first = client.get(LIST, {"when": "past"})
    second = client.get(LIST, {"when": "past", "page": 2})
    assert len(first.context["cards"]) == SPRINTS_PER_PAGE
    assert len(second.context["cards"]) == 3
    assert not set(titles(first)) & set(titles(second))
    assert 'rel="next"' in first.content.decode() and "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "99999"},
        {"page": "-1"},
        {"page": "9" * 400},
        {"q": "x" * 100_000},
        {"q": "🦄" * 50, "area": "<script>", "when": "'; drop table"},
    ],
)
def test_bad_search_or_page_input_never_fails(client, sprints, params):
    response = client.get(LIST, params)
    assert response.status_code == 200
    assert len(response.context["query"]) <= 100


def test_a_nul_character_in_the_search_is_refused_with_a_message(client, sprints):
    response = client.get(LIST + "?q=a%00b")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_searching_adds_no_query_per_sprint(client):
    url = f"{LIST}?q=sprint+hack&when=upcoming"
    SprintFactory(title="Sprint hack 0").partners.add(PartnerFactory())
    small = count_queries(client, url)
    for n in range(10):
        sprint = SprintFactory(title=f"Sprint hack {n + 1}", tagline="Hack")
        sprint.partners.add(PartnerFactory(), PartnerFactory())
        Track.objects.create(sprint=sprint, name="Hack track")
    assert count_queries(client, url) == small


def test_the_page_cache_keeps_one_entry_per_search(client, settings, sprints):
    from django.core.cache import cache

    settings.PUBLIC_PAGE_CACHE = True
    cache.clear()
    assert titles(client.get(LIST, {"q": "apollo"})) == ["Governance Jam"]
    other = client.get(LIST, {"q": "evals"})
    assert other.headers["X-Page-Cache"] == "miss"
    assert "Evals Weekend" in other.content.decode() and "Governance Jam" not in other.content.decode()
    again = client.get(LIST, {"q": "apollo"})
    assert again.headers["X-Page-Cache"] == "hit" and "Governance Jam" in again.content.decode()
    partial = client.get(LIST, {"q": "apollo"}, headers={"HX-Request": "true", "HX-Target": "sprint-results"})
    assert partial.headers["X-Page-Cache"] == "miss" and "<html" not in partial.content.decode()
    assert "HX-Request" in client.get(LIST, {"q": "apollo"}).headers["Vary"]
    cache.clear()


# --- API ---------------------------------------------------------------------------------


def api_titles(client, **params) -> list[str]:
    response = client.get("/api/v1/sprints", params)
    assert response.status_code == 200, response.content
    return sorted(item["title"] for item in response.json()["items"])


def test_the_api_searches_like_the_page(client, sprints):
    assert api_titles(client, q="apollo") == ["Governance Jam"]
    assert api_titles(client, q="sycophancy") == ["Evals Weekend"]
    assert api_titles(client, q="weekend") == ["Evals Weekend", "Interpretability Hackathon"]
    assert api_titles(client, q="weekend", when="past") == []


def test_the_api_lists_cover_images(client, sprints, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    sprints["evals"].cover_image.save("cover.png", ContentFile(b"png"), save=True)
    items = {item["title"]: item for item in client.get("/api/v1/sprints").json()["items"]}
    assert items["Evals Weekend"]["cover_image"].startswith("http://testserver/media/sprints/covers/")
    assert items["Governance Jam"]["cover_image"] is None


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [("?q=" + "x" * 101, 422, "q"), ("?q=a%00b", 400, "q"), ("?page=abc", 422, "page"), ("?page=99999", 422, "page")],
)
def test_the_api_refuses_bad_search_input_with_a_message(client, query, status, field):
    response = client.get("/api/v1/sprints" + query)
    assert response.status_code == status
    assert field in response.json()["errors"]
