"""The world map's projection: where a latitude and longitude fall on ``sprintlab/world-map.svg``.

The map is equirectangular (longitude and latitude are straight x and y), cut to the latitudes
where people live (Antarctica and the far north are left out). ``scripts/world_map.py`` draws the
countries with this same function, and pages place a dot per site with it, so the two always agree.
"""

from dataclasses import dataclass
from decimal import Decimal

WIDTH = 1000
NORTH = 84.0
SOUTH = -58.0
HEIGHT = round(WIDTH * (NORTH - SOUTH) / 360, 1)
STATIC_PATH = "sprintlab/world-map.svg"


def project(latitude: float | Decimal, longitude: float | Decimal) -> tuple[float, float]:
    """(x, y) on the map, one decimal each, for a point; latitudes beyond the map sit on its edge."""
    latitude = min(max(float(latitude), SOUTH), NORTH)
    longitude = min(max(float(longitude), -180.0), 180.0)
    x = (longitude + 180.0) / 360.0 * WIDTH
    y = (NORTH - latitude) / (NORTH - SOUTH) * HEIGHT
    return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class MapDot:
    x: float
    y: float
    label: str
    url: str


def map_dots(places, *, label, url) -> list[MapDot]:
    """A dot for each of ``places`` that has coordinates (``latitude`` and ``longitude``), labelled by
    ``label(place)`` and linking to ``url(place)``; places without coordinates are left out."""
    dots = []
    for place in places:
        if place.latitude is None or place.longitude is None:
            continue
        x, y = project(place.latitude, place.longitude)
        dots.append(MapDot(x=x, y=y, label=label(place), url=url(place)))
    return dots
