"""How sites are shown on the world map (``includes/world_map.html``), shared by the sites list and
the sprint page."""

from sprintlab.core import world_map
from sprintlab.core.world_map import map_dots
from sprintlab.localsites.models import LocalSite


def site_map(sites: list[LocalSite]) -> dict:
    """The map's dots: one per site with coordinates, named by venue and city, linking to the site."""
    dots = map_dots(sites, label=lambda site: f"{site.name}, {site.city}", url=lambda site: site.get_absolute_url())
    return {"dots": dots, "width": world_map.WIDTH, "height": world_map.HEIGHT, "unplaced": len(sites) - len(dots)}


def site_points(points: list[tuple]) -> dict:
    """The map for (latitude, longitude) pairs only: dots that show where, without links."""
    dots = [world_map.project(latitude, longitude) for latitude, longitude in points]
    return {"points": dots, "width": world_map.WIDTH, "height": world_map.HEIGHT}
