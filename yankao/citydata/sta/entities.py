"""The eight entity types of OGC 18-088 §8.2: their properties, their navigation
properties, and how each maps onto the Django models."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import models

from yankao.citydata import models as m


@dataclass(frozen=True)
class Prop:
    name: str  # the SensorThings name
    field: str | None  # the model field that filters and sorts by it
    kind: str  # id str json geo time interval result
    end_field: str | None = None  # the end of an interval
    required: bool = False  # mandatory on create (§8.2 tables)


@dataclass(frozen=True)
class Nav:
    name: str
    target: str  # entity type name
    many: bool
    forward: str  # the relation from the source model
    reverse: str  # the lookup on the target model back to the source


@dataclass
class EntityType:
    name: str
    plural: str
    model: type[models.Model]
    props: dict[str, Prop]
    navs: dict[str, Nav] = field(default_factory=dict)


def _props(*props: Prop) -> dict[str, Prop]:
    return {"id": Prop("id", "id", "id"), **{p.name: p for p in props}}


NAME = Prop("name", "name", "str", required=True)
DESCRIPTION = Prop("description", "description", "str", required=True)
PROPERTIES = Prop("properties", "properties", "json")
ENCODING = Prop("encodingType", "encoding_type", "str", required=True)

TYPES: dict[str, EntityType] = {
    "Thing": EntityType("Thing", "Things", m.Thing, _props(NAME, DESCRIPTION, PROPERTIES), {
        "Locations": Nav("Locations", "Location", True, "locations", "things"),
        "HistoricalLocations": Nav("HistoricalLocations", "HistoricalLocation", True,
                                   "historical_locations", "thing"),
        "Datastreams": Nav("Datastreams", "Datastream", True, "datastreams", "thing"),
    }),
    "Location": EntityType("Location", "Locations", m.Location, _props(
        NAME, DESCRIPTION, ENCODING, Prop("location", "location", "geo", required=True),
        PROPERTIES), {
        "Things": Nav("Things", "Thing", True, "things", "locations"),
        "HistoricalLocations": Nav("HistoricalLocations", "HistoricalLocation", True,
                                   "historical_locations", "locations"),
    }),
    "HistoricalLocation": EntityType(
        "HistoricalLocation", "HistoricalLocations", m.HistoricalLocation,
        _props(Prop("time", "time", "time", required=True)), {
            "Thing": Nav("Thing", "Thing", False, "thing", "historical_locations"),
            "Locations": Nav("Locations", "Location", True, "locations",
                             "historical_locations"),
        }),
    "Datastream": EntityType("Datastream", "Datastreams", m.Datastream, _props(
        NAME, DESCRIPTION,
        Prop("unitOfMeasurement", "unit_of_measurement", "json", required=True),
        Prop("observationType", "observation_type", "str", required=True),
        Prop("observedArea", "observed_area", "geo"),
        Prop("phenomenonTime", "phenomenon_time_start", "interval", "phenomenon_time_end"),
        Prop("resultTime", "result_time_start", "interval", "result_time_end"),
        PROPERTIES), {
        "Thing": Nav("Thing", "Thing", False, "thing", "datastreams"),
        "Sensor": Nav("Sensor", "Sensor", False, "sensor", "datastreams"),
        "ObservedProperty": Nav("ObservedProperty", "ObservedProperty", False,
                                "observed_property", "datastreams"),
        "Observations": Nav("Observations", "Observation", True, "observations",
                            "datastream"),
    }),
    "Sensor": EntityType("Sensor", "Sensors", m.Sensor, _props(
        NAME, DESCRIPTION, ENCODING, Prop("metadata", "metadata", "str", required=True),
        PROPERTIES), {
        "Datastreams": Nav("Datastreams", "Datastream", True, "datastreams", "sensor"),
    }),
    "ObservedProperty": EntityType(
        "ObservedProperty", "ObservedProperties", m.ObservedProperty, _props(
            NAME, Prop("definition", "definition", "str", required=True), DESCRIPTION,
            PROPERTIES), {
            "Datastreams": Nav("Datastreams", "Datastream", True, "datastreams",
                               "observed_property"),
        }),
    "Observation": EntityType("Observation", "Observations", m.Observation, _props(
        Prop("phenomenonTime", "phenomenon_time", "interval", "phenomenon_time_end"),
        Prop("resultTime", "result_time", "time"),
        Prop("result", "result_number", "result", required=True),
        Prop("resultQuality", "result_quality", "json"),
        Prop("validTime", "valid_time_start", "interval", "valid_time_end"),
        Prop("parameters", "parameters", "json")), {
        "Datastream": Nav("Datastream", "Datastream", False, "datastream", "observations"),
        "FeatureOfInterest": Nav("FeatureOfInterest", "FeatureOfInterest", False,
                                 "feature_of_interest", "observations"),
    }),
    "FeatureOfInterest": EntityType(
        "FeatureOfInterest", "FeaturesOfInterest", m.FeatureOfInterest, _props(
            NAME, DESCRIPTION, ENCODING, Prop("feature", "feature", "geo", required=True),
            PROPERTIES), {
            "Observations": Nav("Observations", "Observation", True, "observations",
                                "feature_of_interest"),
        }),
}
BY_PLURAL = {t.plural: t for t in TYPES.values()}


def time_text(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    text = value.astimezone(dt.UTC).isoformat()
    return text.replace("+00:00", "Z")


def interval_text(start: dt.datetime | None, end: dt.datetime | None) -> str | None:
    if start is None:
        return None
    if end is None or end == start:
        return time_text(start)
    return f"{time_text(start)}/{time_text(end)}"


def prop_value(entity: EntityType, obj, prop: Prop):
    if prop.kind == "id":
        return obj.pk
    if prop.kind == "result":
        return obj.result
    value = getattr(obj, prop.field)
    if prop.kind == "time":
        return time_text(value)
    if prop.kind == "interval":
        end = getattr(obj, prop.end_field)
        if entity.name == "Datastream" and value is not None:
            return f"{time_text(value)}/{time_text(end or value)}"
        return interval_text(value, end)
    return value
