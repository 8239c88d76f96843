"""The city's district boundaries, read from a GeoJSON file shipped as data.

Which district a map point lies in, whether it lies in the city at all, and the polygons
every map draws without a tile server (``YANKAO_MAP_TILES`` empty: the offline default).
The file is the city's: ``YANKAO_DISTRICT_BOUNDARIES`` names another city's, with one
Feature per district whose ``name_zh`` is the :class:`~yankao.core.models.District` name.
Kaohsiung's ships in ``core/data/`` (made by ``scripts/district_boundaries.py``; the
Ministry of the Interior's boundaries, Open Government Data License, Taiwan 1.0).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from itertools import pairwise
from pathlib import Path

from django.conf import settings

# A point this close to a district (a pier, a river bank the simplified line cuts off)
# still counts as in it.
EDGE_TOLERANCE_M = 300
EARTH_RADIUS_M = 6_371_000

Ring = list[tuple[float, float]]  # (longitude, latitude)


@dataclass(frozen=True)
class Area:
    """One district's outline: polygons, each an outer ring and its holes."""

    name_zh: str
    name_en: str
    polygons: tuple[tuple[Ring, ...], ...]
    bbox: tuple[float, float, float, float]  # west, south, east, north

    def contains(self, lng: float, lat: float) -> bool:
        west, south, east, north = self.bbox
        if not (west <= lng <= east and south <= lat <= north):
            return False
        return any(_in_ring(lng, lat, rings[0]) and not any(_in_ring(lng, lat, hole)
                                                            for hole in rings[1:])
                   for rings in self.polygons)

    def distance_m(self, lng: float, lat: float) -> float:
        """Metres from the point to the nearest edge (an equirectangular approximation,
        good to well under a percent at a city's size)."""
        scale = math.cos(math.radians(lat))
        best = math.inf
        for rings in self.polygons:
            for ring in rings:
                for (x1, y1), (x2, y2) in pairwise(ring):
                    best = min(best, _segment_distance(
                        (lng - x1) * scale, lat - y1, (x2 - x1) * scale, y2 - y1))
        return math.radians(best) * EARTH_RADIUS_M


def _in_ring(x: float, y: float, ring: Ring) -> bool:
    """Even-odd rule (ray casting to the east)."""
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def _segment_distance(px: float, py: float, dx: float, dy: float) -> float:
    """Distance from (px, py) to the segment from the origin to (dx, dy)."""
    length = dx * dx + dy * dy
    t = 0.0 if length == 0 else max(0.0, min(1.0, (px * dx + py * dy) / length))
    return math.hypot(px - t * dx, py - t * dy)


@cache
def _boundaries(path: str) -> tuple[dict | None, tuple[Area, ...]]:
    """The file at ``path`` as stored and its districts' outlines; (None, ()) when there is
    no such file. Read once per process, as the setting naming it is: a request locating a
    report asks for the outlines without looking at the disk."""
    if not Path(path).is_file():
        return None, ()
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    areas = []
    for feature in document["features"]:
        shape = feature["geometry"]
        polygons = shape["coordinates"] if shape["type"] == "MultiPolygon" \
            else [shape["coordinates"]]
        rings = tuple(tuple([(float(x), float(y)) for x, y in ring] for ring in polygon)
                      for polygon in polygons)
        xs = [x for polygon in rings for x, _y in polygon[0]]
        ys = [y for polygon in rings for _x, y in polygon[0]]
        areas.append(Area(feature["properties"]["name_zh"],
                          feature["properties"].get("name_en", ""), rings,
                          (min(xs), min(ys), max(xs), max(ys))))
    return document, tuple(areas)


def areas() -> tuple[Area, ...]:
    """Every district's outline, as the boundaries file has it (empty without a file)."""
    return _boundaries(settings.YANKAO_DISTRICT_BOUNDARIES)[1]


def boundaries_document() -> dict | None:
    """The GeoJSON FeatureCollection as stored, or None when the city has none."""
    return _boundaries(settings.YANKAO_DISTRICT_BOUNDARIES)[0]


def city_bounds() -> tuple[float, float, float, float] | None:
    """(west, south, east, north) around every district, or None without boundaries."""
    found = areas()
    if not found:
        return None
    return (min(a.bbox[0] for a in found), min(a.bbox[1] for a in found),
            max(a.bbox[2] for a in found), max(a.bbox[3] for a in found))


def district_name_at(latitude: Decimal | float, longitude: Decimal | float,
                     tolerance_m: float = EDGE_TOLERANCE_M) -> str | None:
    """The Chinese name of the district the point lies in (or within ``tolerance_m`` of),
    or None when it is outside the city. None as well when the city has no boundaries."""
    lat, lng = float(latitude), float(longitude)
    found = areas()
    for area in found:
        if area.contains(lng, lat):
            return area.name_zh
    margin = tolerance_m / 100_000  # degrees, generously (a degree is over 100 km here)
    near = [(area.distance_m(lng, lat), area.name_zh) for area in found
            if area.bbox[0] - margin <= lng <= area.bbox[2] + margin
            and area.bbox[1] - margin <= lat <= area.bbox[3] + margin]
    near = [item for item in near if item[0] <= tolerance_m]
    return min(near)[1] if near else None
