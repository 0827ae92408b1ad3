"""The world map of sites: its projection, its dots (a link per site), the region filter and the
denser list, and the small map on the sprint page."""

import re
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from django.utils import translation

from sprintlab.core import world_map
from sprintlab.core.world_map import project
from sprintlab.localsites.models import SiteStatus
from tests.factories import LocalSiteFactory, SprintFactory
from tests.helpers import count_queries

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "world_map.py"


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (0, 0, (500.0, round(84 / 142 * world_map.HEIGHT, 1))),  # the equator at Greenwich
        (84, -180, (0.0, 0.0)),  # the top left corner
        (-58, 180, (1000.0, world_map.HEIGHT)),  # the bottom right corner
        (Decimal("51.507400"), Decimal("-0.127800"), (499.6, 90.2)),  # London
        (Decimal("-1.286389"), Decimal("36.817223"), (602.3, 236.9)),  # Nairobi
        (-89, 0, (500.0, world_map.HEIGHT)),  # south of the map: on its edge, not off it
    ],
)
def test_projection_places_known_coordinates(latitude, longitude, expected):
    assert project(latitude, longitude) == pytest.approx(expected, abs=0.05)


def test_the_shipped_map_is_a_small_svg_of_the_same_size_as_the_projection():
    path = finders.find(world_map.STATIC_PATH)
    assert path, "world-map.svg is missing from the static files"
    text = Path(path).read_text()
    assert len(text.encode()) < 150 * 1024
    root = ElementTree.fromstring(text)
    assert root.get("viewBox") == f"0 0 {world_map.WIDTH} {world_map.HEIGHT}"
    assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 150  # one per country
    assert "Natural Earth" in text
    assert "http" not in text.replace("http://www.w3.org/2000/svg", "")  # nothing to fetch


def test_the_generator_script_draws_the_map_from_topojson(tmp_path):
    """The committed SVG comes from scripts/world_map.py: a tiny topology with one square country."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("world_map_script", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    topology = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [10, 0], [0, 10], [-10, 0], [0, -10]], [[170, 0], [20, 0], [0, 10], [-20, 0], [0, -10]]],
        "objects": {
            "countries": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "999", "arcs": [[0]]},
                    {"type": "Polygon", "id": "010", "arcs": [[~0]]},  # Antarctica: left out
                    {"type": "MultiPolygon", "id": "242", "arcs": [[[1]]]},  # across 180°: drawn at both edges
                ],
            }
        },
    }
    svg = script.render(topology)
    x, y = project(0, 0)
    assert f"M{x:g} {y:g}" in svg
    assert svg.count("<path") == 2
    fiji = re.findall(r'<path d="([^"]+)"', svg)[1]
    assert fiji.count("M") == 2  # the part past 180° once more at the left edge


@pytest.mark.django_db
class TestSitesMap:
    def test_each_site_with_coordinates_is_a_dot_linking_to_its_page(self, client, sprint):
        nairobi = LocalSiteFactory(
            sprint=sprint, name="iHub", city="Nairobi", country="KE", latitude="-1.286389", longitude="36.817223"
        )
        LocalSiteFactory(sprint=sprint, name="No Coordinates Hall", city="Oxford")
        LocalSiteFactory(sprint=sprint, name="Pending", latitude=10, longitude=10, status=SiteStatus.PENDING)
        html = client.get(reverse("localsites:list", args=[sprint.slug])).content.decode()
        dots = re.findall(
            r'<a href="([^"]+)" aria-label="([^"]+)"><circle cx="([\d.]+)" cy="([\d.]+)"',
            html,
        )
        assert dots == [(nairobi.get_absolute_url(), "iHub, Nairobi", "602.3", "236.9")]
        assert "1 site has no coordinates and is only in the list." in html
        assert "sprintlab/world-map.svg" in html

    def test_coordinates_are_not_localised(self):
        from django.template.loader import render_to_string

        from sprintlab.core.world_map import MapDot

        map_ = {"dots": [MapDot(x=537.2, y=87.4, label="Berlin", url="/b/")], "width": 1000, "height": 394.4}
        with translation.override("de"):  # a language that writes 537,2
            html = render_to_string("includes/world_map.html", {"map": map_, "map_id": "m", "caption": ""})
        assert 'cx="537.2" cy="87.4"' in html and 'viewBox="0 0 1000 394.4"' in html

    def test_no_map_without_coordinates(self, client, sprint):
        LocalSiteFactory(sprint=sprint)
        assert "world-map-svg" not in client.get(reverse("localsites:list", args=[sprint.slug])).content.decode()

    def test_the_map_follows_the_filter(self, client, sprint):
        LocalSiteFactory(sprint=sprint, country="KE", city="Nairobi", latitude=-1.3, longitude=36.8)
        LocalSiteFactory(sprint=sprint, country="IN", city="Bengaluru", latitude=12.97, longitude=77.59)
        html = client.get(reverse("localsites:list", args=[sprint.slug]), {"region": "asia"}).content.decode()
        assert html.count("<circle") == 1 and "Bengaluru" in html and "Nairobi</" not in html

    def test_region_filter_and_jump_links(self, client, sprint):
        LocalSiteFactory(sprint=sprint, name="iHub", country="KE", city="Nairobi")
        LocalSiteFactory(sprint=sprint, name="IISc", country="IN", city="Bengaluru")
        LocalSiteFactory(sprint=sprint, name="Trinity", country="GB", city="Cambridge")
        url = reverse("localsites:list", args=[sprint.slug])
        everything = client.get(url).content.decode()
        assert '<a href="#region-africa">' in everything and '<a href="#region-asia">' in everything
        # The list is a shared fragment (rendered apart from the page): count the sites in the HTML.
        africa = client.get(url, {"region": "africa"}).content.decode()
        assert africa.count('class="site-card"') == 1 and "Clear" in africa
        # An unknown region is ignored rather than refused.
        assert client.get(url, {"region": "atlantis"}).content.decode().count('class="site-card"') == 3

    def test_cards_show_city_country_seats_and_host_in_one_grid_per_region(self, client, sprint):
        LocalSiteFactory(sprint=sprint, name="Trinity", city="Cambridge", capacity=12, contact_name="Ada Host")
        LocalSiteFactory(sprint=sprint, name="Sorbonne", city="Paris", country="FR")
        html = client.get(reverse("localsites:list", args=[sprint.slug])).content.decode()
        assert "Cambridge, United Kingdom" in html and "Paris, France" in html
        assert "12 seats · host Ada Host" in html
        europe = re.search(r'<section class="site-region".*?</section>', html, flags=re.S).group(0)
        assert europe.count('<ul class="site-cards">') == 1 and europe.count('class="site-card"') == 2

    def test_the_sprint_page_shows_every_site_on_a_small_map_linking_to_the_list(self, client, sprint):
        for n in range(30):
            LocalSiteFactory(sprint=sprint, latitude=n, longitude=n)
        LocalSiteFactory(sprint=sprint, name="Pending", latitude=-40, longitude=-40, status=SiteStatus.PENDING)
        html = client.get(sprint.get_absolute_url()).content.decode()
        minimap = re.search(r'<a class="sites-minimap" href="([^"]+)">(.*?)</a>', html, flags=re.S)
        assert minimap.group(1) == reverse("localsites:list", args=[sprint.slug])
        assert minimap.group(2).count("<circle") == 30  # more than the list shows, no pending site
        assert 'aria-hidden="true"' in minimap.group(2)

    def test_the_sprint_pages_map_adds_one_query_whatever_the_number_of_sites(self, client):
        small, large = SprintFactory(), SprintFactory()
        LocalSiteFactory(sprint=small, latitude=1, longitude=1)
        for n in range(25):
            LocalSiteFactory(sprint=large, latitude=n, longitude=n)
        assert count_queries(client, small.get_absolute_url()) == count_queries(client, large.get_absolute_url())
