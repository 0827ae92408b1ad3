"""Draw ``src/sprintlab/core/static/sprintlab/world-map.svg`` from Natural Earth's 110m countries.

Natural Earth (naturalearthdata.com) is in the public domain. Its 1:110m countries come as TopoJSON
in the ``world-atlas`` package of the npm registry (version 2.0.2 holds Natural Earth 4.1.0), which
is all this script reads; nothing is fetched when the app runs, the SVG is committed. To draw again:

    cd /tmp && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
    .venv/bin/python scripts/world_map.py /tmp/package/countries-110m.json

The projection is ``sprintlab.core.world_map.project``, the one pages use to place sites on the map.
"""

import argparse
import json
import math
from pathlib import Path

from sprintlab.core.world_map import HEIGHT, SOUTH, WIDTH, project

OUTPUT = Path(__file__).resolve().parents[1] / "src" / "sprintlab" / "core" / "static" / "sprintlab" / "world-map.svg"
ANTARCTICA = "010"  # ISO 3166-1 numeric: south of the map's edge, left out


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """The topology's arcs as (longitude, latitude) points (TopoJSON stores quantised deltas)."""
    (scale_x, scale_y), (move_x, move_y) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    return arcs


def ring_points(ring: list[int], arcs) -> list[tuple[float, float]]:
    """One closed ring: its arcs joined end to end (a negative index ~i is arc i reversed)."""
    points: list[tuple[float, float]] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def unwrapped(points) -> list[tuple[float, float]]:
    """The ring with longitudes made continuous: a ring crossing the 180° meridian (Russia, Fiji) goes
    on past ±180 instead of jumping across the whole map."""
    result = [points[0]]
    for longitude, latitude in points[1:]:
        previous = result[-1][0]
        while longitude - previous > 180:
            longitude -= 360
        while longitude - previous < -180:
            longitude += 360
        result.append((longitude, latitude))
    return result


def _x_y(longitude: float, latitude: float) -> tuple[float, float]:
    """``project`` for a longitude past ±180: the point one map width to the side."""
    turns = math.floor((longitude + 180) / 360)
    x, y = project(latitude, longitude - 360 * turns)
    return round(x + turns * WIDTH, 1), y


def ring_paths(points) -> list[str]:
    """The ring as SVG subpaths: once, and once more a map width to the other side when it crosses
    the 180° meridian, so that the viewBox shows each half at its edge."""
    points = unwrapped(points)
    longitudes = [longitude for longitude, _ in points]
    paths = [ring_path(points)]
    if max(longitudes) > 180:
        paths.append(ring_path([(longitude - 360, latitude) for longitude, latitude in points]))
    if min(longitudes) < -180:
        paths.append(ring_path([(longitude + 360, latitude) for longitude, latitude in points]))
    return paths


def ring_path(points) -> str:
    """An SVG subpath in relative moves (shorter), dropping points that fall on the previous one."""
    projected = []
    for longitude, latitude in points:
        x, y = _x_y(longitude, latitude)
        if not projected or (x, y) != projected[-1]:
            projected.append((x, y))
    if len(projected) < 3:
        return ""
    (x0, y0), previous, text = projected[0], projected[0], ""
    for x, y in projected[1:]:
        for number in (_number(x - previous[0]), _number(y - previous[1])):
            # A minus sign separates numbers by itself, so only a positive one needs a space.
            text += number if number.startswith("-") or not text else " " + number
        previous = (x, y)
    return f"M{_number(x0)} {_number(y0)}l{text}z"


def _number(value: float) -> str:
    text = f"{round(value, 1):.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def country_paths(topology: dict) -> list[str]:
    arcs = decode_arcs(topology)
    paths = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        if geometry.get("id") == ANTARCTICA or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = [path for polygon in polygons for ring in polygon for path in ring_paths(ring_points(ring, arcs))]
        rings = [path for path in rings if path]
        if rings:
            paths.append("".join(rings))
    return paths


def render(topology: dict) -> str:
    body = "\n".join(f'<path d="{d}"/>' for d in country_paths(topology))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}">\n'
        f"<!-- Countries from Natural Earth 1:110m (public domain), equirectangular from {SOUTH}° to the "
        "north; drawn by scripts/world_map.py. -->\n"
        '<g fill="#d5dde6" stroke="#ffffff" stroke-width="0.6" stroke-linejoin="round">\n'
        f"{body}\n</g>\n</svg>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("topojson", type=Path, help="countries-110m.json from the world-atlas package")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    svg = render(json.loads(args.topojson.read_text()))
    args.output.write_text(svg)
    print(f"Wrote {args.output} ({len(svg.encode()) / 1024:.0f} KB)")


if __name__ == "__main__":
    main()
