"""Every write of the SensorThings API: create (with deep insert, §10.2), update (§10.3),
delete (§10.4), links, and observations one by one or as a data array (§14.4).

Input is the API's own JSON; every problem is a :class:`StaError` raised before anything
is written, and each request is one transaction, so a refused request stores nothing.
Metadata changes are audited; observations are not, one by one (they are the volume), but
the key or user that wrote them is checked on every request."""

from __future__ import annotations

import contextlib
import datetime as dt
import math
from http import HTTPStatus

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from yankao.citydata import access
from yankao.citydata import models as m
from yankao.citydata.access import Caller
from yankao.citydata.audit import CitydataAction
from yankao.citydata.services import alerts, storage
from yankao.citydata.services.storage import Reading
from yankao.citydata.sta.compile import geometry_of
from yankao.citydata.sta.entities import TYPES, EntityType
from yankao.citydata.sta.errors import StaError
from yankao.citydata.sta.parser import parse_datetime
from yankao.core.services.audit import audit_record

MAX_ARRAY_ROWS = 50_000


def _forbidden(message: str = "This key or user may not change this.") -> StaError:
    return StaError(message, HTTPStatus.FORBIDDEN)


def _require_writer(caller: Caller) -> None:
    if caller.anonymous:
        raise StaError("Send an API key or a staff token to write.", HTTPStatus.UNAUTHORIZED)


def _require_metadata_writer(caller: Caller) -> None:
    _require_writer(caller)
    if not access.may_write_metadata(caller):
        raise _forbidden("Only staff change things, locations, sensors and datastreams.")


def _audit(caller: Caller, action, obj, **data) -> None:
    audit_record(actor=caller.user, action=action, obj=obj, actor_label=caller.label,
                 data=data or None)


# --- checking values ---------------------------------------------------------------------


def _text(data: dict, name: str, *, required: bool, max_length: int | None = None) -> str:
    value = data.get(name)
    if value is None:
        if required:
            raise StaError(f"{name} is required.")
        return ""
    if not isinstance(value, str):
        raise StaError(f"{name} must be a string.")
    if max_length and len(value) > max_length:
        raise StaError(f"{name} is longer than {max_length} characters.")
    return value


def _object(data: dict, name: str, *, required: bool = False):
    value = data.get(name)
    if value is None:
        if required:
            raise StaError(f"{name} is required.")
        return None
    if not isinstance(value, dict):
        raise StaError(f"{name} must be a JSON object.")
    return value


def _geometry(data: dict, name: str, *, required: bool):
    value = _object(data, name, required=required)
    if value is None:
        return None, None
    geometry = geometry_of(value)
    if geometry is None or geometry.is_empty:
        raise StaError(f"{name} is not a GeoJSON geometry.")
    return value, geometry.bounds


def time_of(value, name: str) -> dt.datetime:
    if not isinstance(value, str):
        raise StaError(f"{name} must be an ISO 8601 time with a zone.")
    return parse_datetime(value)


def interval_of(value, name: str) -> tuple[dt.datetime, dt.datetime | None]:
    if not isinstance(value, str):
        raise StaError(f"{name} must be an ISO 8601 time or interval with a zone.")
    start, sep, end = value.partition("/")
    first = parse_datetime(start)
    if not sep:
        return first, None
    last = parse_datetime(end)
    if last < first:
        raise StaError(f"{name} ends before it starts.")
    return first, last


def _known_keys(entity: EntityType, data: dict) -> None:
    allowed = set(entity.props) | set(entity.navs) | {"@iot.id"}
    unknown = set(data) - allowed - {"id"}
    if unknown:
        raise StaError(f"{entity.name} has no property {sorted(unknown)[0]}.")


def _ref_id(value, name: str) -> int | None:
    """The id of ``{"@iot.id": n}`` (a link to an existing entity), or None for a new one."""
    if not isinstance(value, dict):
        raise StaError(f"{name} must be an object.")
    if "@iot.id" in value:
        pk = value["@iot.id"]
        if not isinstance(pk, int) or isinstance(pk, bool):
            raise StaError(f"{name}: @iot.id must be an integer.")
        # An object with an id links that entity (§10.2.1.1); clients that send the whole
        # entity they hold are understood the same way, and nothing of it is changed.
        return pk
    return None


def _existing(model, pk: int, name: str):
    obj = model.objects.filter(pk=pk).first()
    if obj is None:
        raise StaError(f"{name}({pk}) does not exist.")
    return obj


# --- creating ----------------------------------------------------------------------------


class Creator:
    """One POST: a tree of new and linked entities, written in one transaction."""

    def __init__(self, caller: Caller):
        self.caller = caller
        self.readings: list[Reading] = []
        self.reading_targets: list[int] = []  # index into readings for the top observation

    def thing(self, data: dict):
        if (pk := _ref_id(data, "Thing")) is not None:
            return _existing(m.Thing, pk, "Things")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["Thing"], data)
        thing = m.Thing.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            description=_text(data, "description", required=True),
            properties=_object(data, "properties"))
        locations = [self.location(item) for item in self._list(data, "Locations")]
        if locations:
            thing.locations.set(locations)
            history = m.HistoricalLocation.objects.create(thing=thing, time=timezone.now())
            history.locations.set(locations)
        for item in self._list(data, "Datastreams"):
            self.datastream(item, thing=thing)
        if data.get("HistoricalLocations") is not None:
            for item in self._list(data, "HistoricalLocations"):
                self.historical_location(item, thing=thing)
        _audit(self.caller, CitydataAction.ENTITY_CREATE, thing, type="Thing")
        return thing

    def location(self, data: dict, *, thing=None):
        if (pk := _ref_id(data, "Location")) is not None:
            return _existing(m.Location, pk, "Locations")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["Location"], data)
        geojson, bounds = _geometry(data, "location", required=True)
        location = m.Location.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            description=_text(data, "description", required=True),
            encoding_type=_text(data, "encodingType", required=True, max_length=100),
            location=geojson, properties=_object(data, "properties"),
            **dict(zip(("min_x", "min_y", "max_x", "max_y"), bounds, strict=True)))
        things = [self.thing(item) for item in self._list(data, "Things")]
        if thing is not None:
            things.append(thing)
        for owner in things:
            owner.locations.add(location)
            history = m.HistoricalLocation.objects.create(thing=owner, time=timezone.now())
            history.locations.set([location])
        _audit(self.caller, CitydataAction.ENTITY_CREATE, location, type="Location")
        return location

    def historical_location(self, data: dict, *, thing=None):
        if (pk := _ref_id(data, "HistoricalLocation")) is not None:
            return _existing(m.HistoricalLocation, pk, "HistoricalLocations")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["HistoricalLocation"], data)
        if thing is None:
            thing = self.thing(_object(data, "Thing", required=True))
        history = m.HistoricalLocation.objects.create(
            thing=thing, time=time_of(data.get("time"), "time"))
        history.locations.set([self.location(item) for item in self._list(data, "Locations")])
        return history

    def sensor(self, data: dict):
        if (pk := _ref_id(data, "Sensor")) is not None:
            return _existing(m.Sensor, pk, "Sensors")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["Sensor"], data)
        metadata = data.get("metadata")
        if metadata is None:
            raise StaError("metadata is required.")
        sensor = m.Sensor.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            description=_text(data, "description", required=True),
            encoding_type=_text(data, "encodingType", required=True, max_length=100),
            metadata=metadata if isinstance(metadata, str) else str(metadata),
            properties=_object(data, "properties"))
        for item in self._list(data, "Datastreams"):
            self.datastream(item, sensor=sensor)
        return sensor

    def observed_property(self, data: dict):
        if (pk := _ref_id(data, "ObservedProperty")) is not None:
            return _existing(m.ObservedProperty, pk, "ObservedProperties")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["ObservedProperty"], data)
        prop = m.ObservedProperty.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            definition=_text(data, "definition", required=True, max_length=500),
            description=_text(data, "description", required=True),
            properties=_object(data, "properties"))
        for item in self._list(data, "Datastreams"):
            self.datastream(item, observed_property=prop)
        return prop

    def datastream(self, data: dict, *, thing=None, sensor=None, observed_property=None):
        if (pk := _ref_id(data, "Datastream")) is not None:
            return _existing(m.Datastream, pk, "Datastreams")
        _require_metadata_writer(self.caller)
        _known_keys(TYPES["Datastream"], data)
        kind = _text(data, "observationType", required=True)
        if kind not in m.ObservationType.values:
            raise StaError(f"observationType {kind} is not one of Table 12 of the standard.")
        unit = _object(data, "unitOfMeasurement", required=True)
        observed_area, _bounds = _geometry(data, "observedArea", required=False)
        thing = thing or self.thing(_object(data, "Thing", required=True))
        sensor = sensor or self.sensor(_object(data, "Sensor", required=True))
        observed_property = observed_property or self.observed_property(
            _object(data, "ObservedProperty", required=True))
        datastream = m.Datastream.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            description=_text(data, "description", required=True),
            unit_of_measurement=unit, observation_type=kind, observed_area=observed_area,
            properties=_object(data, "properties"), thing=thing, sensor=sensor,
            observed_property=observed_property)
        for item in self._list(data, "Observations"):
            self.observation(item, datastream=datastream)
        _audit(self.caller, CitydataAction.ENTITY_CREATE, datastream, type="Datastream")
        return datastream

    def feature(self, data: dict):
        if (pk := _ref_id(data, "FeatureOfInterest")) is not None:
            return _existing(m.FeatureOfInterest, pk, "FeaturesOfInterest")
        if self.caller.anonymous:
            raise StaError("Send an API key or a staff token to write.",
                           HTTPStatus.UNAUTHORIZED)
        _known_keys(TYPES["FeatureOfInterest"], data)
        geojson, bounds = _geometry(data, "feature", required=True)
        return m.FeatureOfInterest.objects.create(
            name=_text(data, "name", required=True, max_length=200),
            description=_text(data, "description", required=True),
            encoding_type=_text(data, "encodingType", required=True, max_length=100),
            feature=geojson, properties=_object(data, "properties"),
            **dict(zip(("min_x", "min_y", "max_x", "max_y"), bounds, strict=True)))

    def observation(self, data: dict, *, datastream=None, feature=None) -> int:
        """Check one observation and queue it; returns its index in this request."""
        _known_keys(TYPES["Observation"], data)
        if datastream is None:
            link = _object(data, "Datastream")
            if link is None:
                raise StaError("An observation needs its Datastream.")
            pk = _ref_id(link, "Datastream")
            if pk is None:
                raise StaError("Link the observation to an existing Datastream by @iot.id.")
            datastream = m.Datastream.objects.filter(pk=pk).select_related("thing").first()
            if datastream is None:
                raise StaError(f"Datastreams({pk}) does not exist.")
        self._check_writer({datastream.pk})
        if feature is None:
            link = _object(data, "FeatureOfInterest")
            feature = self.feature(link) if link is not None else generated_feature(datastream)
        reading = reading_of(datastream, feature.pk, data)
        self.readings.append(reading)
        return len(self.readings) - 1

    def _check_writer(self, datastream_ids: set[int]) -> None:
        if self.caller.anonymous:
            raise StaError("Send an API key or a staff token to write.",
                           HTTPStatus.UNAUTHORIZED)
        allowed = access.writable_datastream_ids(self.caller, datastream_ids)
        if allowed != datastream_ids:
            raise _forbidden("This key or user may not write observations of "
                             f"Datastreams({min(datastream_ids - allowed)}).")

    @staticmethod
    def _list(data: dict, name: str) -> list:
        value = data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            raise StaError(f"{name} must be an array.")
        return value

    def flush(self) -> list[int]:
        ids = storage.observations_write(self.readings)
        alerts.readings_check(self.readings)
        return ids


def generated_feature(datastream) -> m.FeatureOfInterest:
    """§10.2.1.2: with no FeatureOfInterest given, the Thing's Location becomes one."""
    return generated_features([datastream])[datastream.pk]


def generated_features(datastreams) -> dict[int, m.FeatureOfInterest]:
    """The generated feature of each datastream's thing, made where missing (a few
    queries for any number of datastreams)."""
    things = {ds.thing_id for ds in datastreams}
    first_location: dict[int, int] = {}
    for thing_id, location_id in (m.Thing.locations.through.objects
                                  .filter(thing_id__in=things)
                                  .order_by("thing_id", "location_id")
                                  .values_list("thing_id", "location_id")):
        first_location.setdefault(thing_id, location_id)
    for ds in datastreams:
        if ds.thing_id not in first_location:
            raise StaError(f"Observations of Datastreams({ds.pk}) have no FeatureOfInterest "
                           "and its Thing has no Location to make one from.")
    features = {f.source_location_id: f for f in m.FeatureOfInterest.objects.filter(
        source_location_id__in=set(first_location.values()))}
    for location in m.Location.objects.filter(
            pk__in=set(first_location.values()) - set(features)):
        features[location.pk] = m.FeatureOfInterest.objects.create(
            name=location.name, description=location.description,
            encoding_type=location.encoding_type, feature=location.location,
            source_location=location, min_x=location.min_x, min_y=location.min_y,
            max_x=location.max_x, max_y=location.max_y)
    return {ds.pk: features[first_location[ds.thing_id]] for ds in datastreams}


def result_of(datastream, value) -> tuple[float | None, object]:
    """Check a result against the datastream's observation type (§8.2.4, Table 12)."""
    kind = datastream.observation_type
    if value is None:
        raise StaError("result is required.")
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    if kind == m.ObservationType.MEASUREMENT:
        if not is_number or not math.isfinite(value):
            raise StaError(f"Datastreams({datastream.pk}) measures a number; "
                           f"the result {value!r} is not one.")
        return float(value), None
    if kind == m.ObservationType.COUNT:
        if not isinstance(value, int) or isinstance(value, bool):
            raise StaError(f"Datastreams({datastream.pk}) counts; the result {value!r} is "
                           "not an integer.")
        return float(value), None
    if kind == m.ObservationType.TRUTH:
        if not isinstance(value, bool):
            raise StaError(f"Datastreams({datastream.pk}) records true or false; the result "
                           f"{value!r} is neither.")
        return None, value
    if kind == m.ObservationType.CATEGORY:
        if not isinstance(value, str):
            raise StaError(f"Datastreams({datastream.pk}) records a category (a URI); the "
                           f"result {value!r} is not a string.")
        return None, value
    if is_number:
        if not math.isfinite(value):
            raise StaError("result is not a finite number.")
        return float(value), None
    return None, value


def reading_of(datastream, feature_id: int, data: dict) -> Reading:
    if "result" not in data:
        raise StaError("result is required.")
    number, other = result_of(datastream, data.get("result"))
    phenomenon = data.get("phenomenonTime")
    if phenomenon is None:
        start, end = timezone.now(), None
    else:
        start, end = interval_of(phenomenon, "phenomenonTime")
    result_time = data.get("resultTime")
    valid = data.get("validTime")
    valid_start, valid_end = interval_of(valid, "validTime") if valid is not None else (
        None, None)
    quality = data.get("resultQuality")
    parameters = data.get("parameters")
    if parameters is not None and not isinstance(parameters, dict):
        raise StaError("parameters must be a JSON object.")
    return Reading(
        datastream_id=datastream.pk, feature_of_interest_id=feature_id,
        phenomenon_time=start, phenomenon_time_end=end,
        result_time=time_of(result_time, "resultTime") if result_time is not None else None,
        result_number=number, result_value=other, result_quality=quality,
        valid_time_start=valid_start, valid_time_end=valid_end, parameters=parameters)


def entity_create(*, caller: Caller, entity: EntityType, data, parent=None) -> tuple[str, int]:
    """POST to an entity set or a navigation path. Returns (entity set, new id)."""
    _require_writer(caller)
    if not isinstance(data, dict):
        raise StaError("The body must be a JSON object.")
    creator = Creator(caller)
    with transaction.atomic():
        links = {}
        if parent is not None:
            source, source_id, nav = parent
            links = {nav.reverse: source_id, "source": source.name}
        name = entity.name
        if name == "Observation":
            datastream = None
            if links.get("source") == "Datastream":
                datastream = m.Datastream.objects.select_related("thing").get(pk=source_id)
            feature = None
            if links.get("source") == "FeatureOfInterest":
                feature = m.FeatureOfInterest.objects.get(pk=source_id)
            creator.observation(data, datastream=datastream, feature=feature)
            ids = creator.flush()
            return entity.plural, ids[0]
        kwargs = {}
        if name == "Datastream" and links.get("source") in ("Thing", "Sensor",
                                                          "ObservedProperty"):
            field = {"Thing": "thing", "Sensor": "sensor",
                     "ObservedProperty": "observed_property"}[links["source"]]
            model = {"Thing": m.Thing, "Sensor": m.Sensor,
                     "ObservedProperty": m.ObservedProperty}[links["source"]]
            kwargs[field] = model.objects.get(pk=source_id)
        if name == "Location" and links.get("source") == "Thing":
            kwargs["thing"] = m.Thing.objects.get(pk=source_id)
        if name == "HistoricalLocation" and links.get("source") == "Thing":
            kwargs["thing"] = m.Thing.objects.get(pk=source_id)
        if parent is not None and not kwargs:
            raise StaError(f"Cannot create a {name} under {links['source']}.")
        method = {"Thing": creator.thing, "Location": creator.location,
                  "HistoricalLocation": creator.historical_location,
                  "Sensor": creator.sensor, "ObservedProperty": creator.observed_property,
                  "Datastream": creator.datastream, "FeatureOfInterest": creator.feature,
                  }[name]
        if _ref_id(data, name) is not None:
            raise StaError("POST creates an entity; to link one, use $ref.")
        obj = method(data, **kwargs)
        if name == "FeatureOfInterest":
            _require_metadata_writer(caller)
        creator.flush()
    return entity.plural, obj.pk


def observations_create(*, caller: Caller, body) -> list[str]:
    """CreateObservations (§14.4): arrays of components per datastream. Returns the new
    observations' paths (``Observations(id)``), in the order given. All or nothing."""
    _require_writer(caller)
    if not isinstance(body, list) or not body:
        raise StaError("CreateObservations takes a non-empty JSON array.")
    creator = Creator(caller)
    rows_total = 0
    with transaction.atomic():
        prepared = []
        for index, block in enumerate(body):
            if not isinstance(block, dict):
                raise StaError(f"Item {index} is not an object.")
            link = _object(block, "Datastream", required=True)
            pk = _ref_id(link, "Datastream")
            if pk is None:
                raise StaError(f"Item {index}: link the Datastream by @iot.id.")
            components = block.get("components")
            rows = block.get("dataArray")
            if not isinstance(components, list) or not all(
                    isinstance(c, str) for c in components):
                raise StaError(f"Item {index}: components must be an array of names.")
            allowed = {"phenomenonTime", "resultTime", "result", "resultQuality",
                       "validTime", "parameters", "FeatureOfInterest/id"}
            if unknown := set(components) - allowed:
                raise StaError(f"Item {index}: unknown component {sorted(unknown)[0]}.")
            if "result" not in components:
                raise StaError(f"Item {index}: the result component is required.")
            if len(set(components)) != len(components):
                raise StaError(f"Item {index}: a component is named twice.")
            if not isinstance(rows, list):
                raise StaError(f"Item {index}: dataArray must be an array.")
            rows_total += len(rows)
            if rows_total > MAX_ARRAY_ROWS:
                raise StaError(f"At most {MAX_ARRAY_ROWS} observations in one request.",
                               HTTPStatus.REQUEST_ENTITY_TOO_LARGE)
            prepared.append((pk, components, rows))
        streams = {ds.pk: ds for ds in m.Datastream.objects.filter(
            pk__in={pk for pk, _c, _r in prepared}).select_related("thing")}
        for pk, _components, _rows in prepared:
            if pk not in streams:
                raise StaError(f"Datastreams({pk}) does not exist.")
        creator._check_writer(set(streams))
        needs_feature = [streams[pk] for pk, components, _rows in prepared
                         if "FeatureOfInterest/id" not in components]
        features = {pk: f.pk for pk, f in generated_features(needs_feature).items()} \
            if needs_feature else {}
        feature_ids_seen: set[int] = set()
        for pk, components, rows in prepared:
            datastream = streams[pk]
            position = {name: i for i, name in enumerate(components)}
            foi_at = position.get("FeatureOfInterest/id")
            if set(components) <= FAST_COMPONENTS:
                if pk not in features:
                    with contextlib.suppress(StaError):  # then every row names its feature
                        features.update({k: f.pk for k, f in
                                         generated_features([datastream]).items()})
                feature_id = features.get(pk)
                creator.readings.extend(_fast_rows(datastream, feature_id, components, rows,
                                                   feature_ids_seen))
                continue
            for row_number, row in enumerate(rows):
                if not isinstance(row, list) or len(row) != len(components):
                    raise StaError(f"Datastreams({pk}) row {row_number}: "
                                   f"expected {len(components)} values.")
                data = {name: row[i] for name, i in position.items()
                        if name != "FeatureOfInterest/id"}
                if foi_at is not None and row[foi_at] is not None:
                    foi = row[foi_at]
                    if not isinstance(foi, int) or isinstance(foi, bool):
                        raise StaError(f"Datastreams({pk}) row {row_number}: "
                                       "FeatureOfInterest/id must be an integer.")
                    feature_ids_seen.add(foi)
                    feature_id = foi
                else:
                    if pk not in features:
                        features.update({k: f.pk for k, f in
                                         generated_features([datastream]).items()})
                    feature_id = features[pk]
                try:
                    creator.readings.append(reading_of(datastream, feature_id, data))
                except StaError as error:
                    raise StaError(f"Datastreams({pk}) row {row_number}: {error.message}") \
                        from error
        if feature_ids_seen:
            found = set(m.FeatureOfInterest.objects.filter(pk__in=feature_ids_seen)
                        .values_list("pk", flat=True))
            if missing := feature_ids_seen - found:
                raise StaError(f"FeaturesOfInterest({min(missing)}) does not exist.")
        ids = creator.flush()
    return [f"Observations({pk})" for pk in ids]


FAST_COMPONENTS = {"phenomenonTime", "result", "resultTime", "FeatureOfInterest/id"}


def _instant(text, what: str, where: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        raise StaError(f"{where}: Not a valid time for {what}: {text!r}.") from None
    if value.tzinfo is None:
        raise StaError(f"{where}: the time {text} has no time zone; add Z or an offset "
                       "such as +08:00.")
    return value


def _fast_rows(datastream, feature_id, components, rows, feature_ids_seen) -> list[Reading]:
    """The data-array rows of the common components (times, result, feature id) in one
    loop: the same checks as :func:`reading_of`, with the common case (an instant with its
    zone, a number) tested first and the error message built only when a row fails."""
    count = len(components)
    at_time = components.index("phenomenonTime") if "phenomenonTime" in components else None
    at_result = components.index("result")
    at_result_time = components.index("resultTime") if "resultTime" in components else None
    at_feature = (components.index("FeatureOfInterest/id")
                  if "FeatureOfInterest/id" in components else None)
    numeric = datastream.observation_type in (m.ObservationType.MEASUREMENT,
                                              m.ObservationType.COUNT)
    whole = datastream.observation_type == m.ObservationType.COUNT
    isfinite = math.isfinite
    fromisoformat = dt.datetime.fromisoformat
    now = timezone.now()
    pk = datastream.pk
    out = []
    append = out.append
    for number, row in enumerate(rows):
        if type(row) is not list or len(row) != count:
            raise StaError(f"Datastreams({pk}) row {number}: expected {count} values.")
        value = row[at_result]
        kind = type(value)
        if numeric and (kind is int or (kind is float and not whole and isfinite(value))):
            number_value, other = float(value), None
        else:
            try:
                number_value, other = result_of(datastream, value)
            except StaError as error:
                raise StaError(f"Datastreams({pk}) row {number}: {error.message}") from None
        end = None
        text = None if at_time is None else row[at_time]
        if text is None:
            start = now
        elif type(text) is str and "/" not in text:
            try:
                start = fromisoformat(text)
            except ValueError:
                start = _instant(text, "phenomenonTime", f"Datastreams({pk}) row {number}")
            if start.tzinfo is None:
                _instant(text, "phenomenonTime", f"Datastreams({pk}) row {number}")
        else:
            try:
                start, end = interval_of(text, "phenomenonTime")
            except StaError as error:
                raise StaError(f"Datastreams({pk}) row {number}: {error.message}") from None
        result_time = None
        if at_result_time is not None and row[at_result_time] is not None:
            result_time = _instant(row[at_result_time], "resultTime",
                                   f"Datastreams({pk}) row {number}")
        feature = feature_id
        if at_feature is not None and row[at_feature] is not None:
            feature = row[at_feature]
            if type(feature) is not int:
                raise StaError(f"Datastreams({pk}) row {number}: "
                               "FeatureOfInterest/id must be an integer.")
            feature_ids_seen.add(feature)
        if feature is None:
            raise StaError(f"Datastreams({pk}) row {number}: the observation has no "
                           "FeatureOfInterest.")
        append(Reading(pk, feature, start, end, result_time, number_value, other))
    return out


# --- updating and deleting ---------------------------------------------------------------

SIMPLE = {"name": 200, "description": None, "encodingType": 100, "definition": 500,
          "metadata": None}


def entity_update(*, caller: Caller, entity: EntityType, pk: int, data, replace: bool) -> None:
    """PATCH (§10.3) or PUT: change properties and to-one links."""
    _require_writer(caller)
    if not isinstance(data, dict):
        raise StaError("The body must be a JSON object.")
    for name in ("@iot.id", "id"):
        if name in data and data[name] != pk:
            raise StaError("The id of an entity cannot change.")
    data = {k: v for k, v in data.items()
            if k not in ("@iot.id", "id", "@iot.selfLink")
            and not k.endswith(("@iot.navigationLink", "@iot.count", "@iot.nextLink"))}
    _known_keys(entity, data)
    with transaction.atomic():
        obj = entity.model.objects.select_for_update().filter(pk=pk).first()
        if obj is None:
            raise StaError(f"{entity.plural}({pk}) does not exist.", HTTPStatus.NOT_FOUND)
        if entity.name == "Observation":
            _update_observation(caller, obj, data, replace)
            return
        _require_metadata_writer(caller)
        if replace:
            missing = [p.name for p in entity.props.values() if p.required and p.name not in data]
            if missing:
                raise StaError(f"PUT replaces the whole entity: {missing[0]} is missing.")
            for prop in entity.props.values():
                if prop.name not in data and prop.kind in ("json", "geo"):
                    setattr(obj, prop.field, None)
        changed = []
        for name, value in data.items():
            prop = entity.props.get(name)
            if prop is not None:
                changed.append(name)
                _set_property(obj, entity, prop, name, data)
            else:
                _set_link(caller, obj, entity, name, value)
        obj.save()
        _audit(caller, CitydataAction.ENTITY_UPDATE, obj, type=entity.name, changed=changed)


def _set_property(obj, entity, prop, name, data) -> None:
    if prop.kind == "str":
        if name == "observationType" and data[name] not in m.ObservationType.values:
            raise StaError(f"observationType {data[name]} is not one of Table 12.")
        required = prop.required
        setattr(obj, prop.field, _text(data, name, required=required,
                                       max_length=SIMPLE.get(name)))
    elif prop.kind == "json":
        setattr(obj, prop.field, _object(data, name, required=prop.required))
    elif prop.kind == "geo":
        geojson, bounds = _geometry(data, name, required=prop.required)
        setattr(obj, prop.field, geojson)
        if hasattr(obj, "min_x"):
            obj.min_x, obj.min_y, obj.max_x, obj.max_y = bounds or (None,) * 4
    elif prop.kind == "time":
        setattr(obj, prop.field, time_of(data[name], name))
    else:
        raise StaError(f"{name} is computed by the server and cannot be set.")


def _set_link(caller, obj, entity, name, value) -> None:
    nav = entity.navs[name]
    if entity.name == "Thing" and name == "Locations":
        creator = Creator(caller)
        if not isinstance(value, list):
            raise StaError("Locations must be an array.")
        locations = [creator.location(item) for item in value]
        obj.locations.set(locations)
        history = m.HistoricalLocation.objects.create(thing=obj, time=timezone.now())
        history.locations.set(locations)
        return
    if nav.many:
        # A client that sends back the entity it read names the links it already has;
        # those are fine. New links are made from the other side or with $ref.
        current = set(getattr(obj, nav.forward).values_list("pk", flat=True))
        wanted = {_ref_id(item, name) for item in value} if isinstance(value, list) else None
        if wanted is None or None in wanted or not wanted <= current:
            raise StaError(f"{name} cannot be changed here; change the other side's link.")
        return
    pk = _ref_id(value, name)
    if pk is None:
        raise StaError(f"{name}: link an existing entity by @iot.id.")
    target = TYPES[nav.target]
    setattr(obj, nav.forward, _existing(target.model, pk, target.plural))


def _update_observation(caller: Caller, obj, data: dict, replace: bool) -> None:
    datastream = m.Datastream.objects.select_related("thing").get(pk=obj.datastream_id)
    Creator(caller)._check_writer({datastream.pk})
    if "Datastream" in data:
        raise StaError("An observation cannot move to another datastream.")
    merged = {"phenomenonTime": None, "result": obj.result} if not replace else {}
    merged.update(data)
    if replace and "result" not in data:
        raise StaError("PUT replaces the whole entity: result is missing.")
    feature_id = obj.feature_of_interest_id
    if "FeatureOfInterest" in data:
        feature_id = Creator(caller).feature(_object(data, "FeatureOfInterest",
                                                     required=True)).pk
    if merged.get("phenomenonTime") is None:
        merged["phenomenonTime"] = (obj.phenomenon_time.isoformat() if obj.phenomenon_time_end
                                    is None else f"{obj.phenomenon_time.isoformat()}/"
                                    f"{obj.phenomenon_time_end.isoformat()}")
    for key, field in (("resultTime", "result_time"),):
        if key not in merged and getattr(obj, field) is not None and not replace:
            merged[key] = getattr(obj, field).isoformat()
    reading = reading_of(datastream, feature_id, merged)
    old_time = obj.phenomenon_time
    m.Observation.objects.filter(pk=obj.pk).delete()
    obj_fields = dict(
        id=obj.pk, datastream_id=reading.datastream_id,
        feature_of_interest_id=reading.feature_of_interest_id,
        phenomenon_time=reading.phenomenon_time,
        phenomenon_time_end=reading.phenomenon_time_end, result_time=reading.result_time,
        result_number=reading.result_number, result_value=reading.result_value,
        result_quality=reading.result_quality if "resultQuality" in merged
        else (None if replace else obj.result_quality),
        valid_time_start=reading.valid_time_start, valid_time_end=reading.valid_time_end,
        parameters=reading.parameters if "parameters" in merged
        else (None if replace else obj.parameters))
    storage.partitions_ensure({storage.city_day(reading.phenomenon_time)})
    m.Observation.objects.create(**obj_fields)
    derived_recompute(datastream.pk, {old_time, reading.phenomenon_time})


def derived_recompute(datastream_id: int, moments) -> None:
    """Recompute the rollups of the hours and days of ``moments`` and the latest value,
    after an observation was changed or deleted."""
    for moment in moments:
        hour = moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)
        day = storage.city_day(moment)
        start = dt.datetime.combine(day, dt.time(), storage.CITY_TZ)
        for model, key, lo, hi in (
                (m.HourlyRollup, {"hour": hour}, hour, hour + dt.timedelta(hours=1)),
                (m.DailyRollup, {"day": day}, start, start + dt.timedelta(days=1))):
            rows = m.Observation.objects.filter(
                datastream_id=datastream_id, phenomenon_time__gte=lo, phenomenon_time__lt=hi,
                result_number__isnull=False)
            values = list(rows.values_list("result_number", flat=True))
            model.objects.filter(datastream_id=datastream_id, **key).delete()
            if values:
                model.objects.create(datastream_id=datastream_id, count=len(values),
                                     total=sum(values), minimum=min(values),
                                     maximum=max(values), **key)
    newest = (m.Observation.objects.filter(datastream_id=datastream_id)
              .order_by("-phenomenon_time", "-id").first())
    m.LatestObservation.objects.filter(datastream_id=datastream_id).delete()
    if newest is not None:
        m.LatestObservation.objects.create(
            datastream_id=datastream_id, observation_id=newest.pk,
            phenomenon_time=newest.phenomenon_time, result_number=newest.result_number,
            result_value=newest.result_value)
    bounds = m.Observation.objects.filter(datastream_id=datastream_id).aggregate(
        start=Min("phenomenon_time"), end=Max("phenomenon_time"))
    m.Datastream.objects.filter(pk=datastream_id).update(
        phenomenon_time_start=bounds["start"], phenomenon_time_end=bounds["end"])


def entity_delete(*, caller: Caller, entity: EntityType, pk: int) -> None:
    """DELETE (§10.4), with the standard's cascade: a Thing takes its Datastreams and
    HistoricalLocations; a Datastream, Sensor or ObservedProperty its Datastreams'
    Observations; a FeatureOfInterest its Observations."""
    _require_writer(caller)
    with transaction.atomic():
        obj = entity.model.objects.filter(pk=pk).first()
        if obj is None:
            raise StaError(f"{entity.plural}({pk}) does not exist.", HTTPStatus.NOT_FOUND)
        if entity.name == "Observation":
            Creator(caller)._check_writer({obj.datastream_id})
            m.Observation.objects.filter(pk=pk).delete()
            derived_recompute(obj.datastream_id, {obj.phenomenon_time})
            return
        _require_metadata_writer(caller)
        datastreams = {
            "Thing": lambda: m.Datastream.objects.filter(thing=obj),
            "Datastream": lambda: m.Datastream.objects.filter(pk=pk),
            "Sensor": lambda: m.Datastream.objects.filter(sensor=obj),
            "ObservedProperty": lambda: m.Datastream.objects.filter(observed_property=obj),
        }.get(entity.name)
        if datastreams is not None:
            ids = list(datastreams().values_list("pk", flat=True))
            m.Observation.objects.filter(datastream_id__in=ids).delete()
        if entity.name == "FeatureOfInterest":
            affected = set(m.Observation.objects.filter(feature_of_interest_id=pk)
                           .values_list("datastream_id", flat=True).distinct())
            m.Observation.objects.filter(feature_of_interest_id=pk).delete()
            for datastream_id in affected:
                storage.rollups_rebuild(datastream_ids=[datastream_id])
        if entity.name == "Location":
            m.HistoricalLocation.objects.filter(locations=obj).delete()
        _audit(caller, CitydataAction.ENTITY_DELETE, obj, type=entity.name)
        obj.delete()


def link_add(*, caller: Caller, entity: EntityType, pk: int, nav_name: str, data) -> None:
    """POST …/Nav/$ref: link an existing entity (a Thing's Locations, or a to-one link)."""
    _require_metadata_writer(caller)
    nav = entity.navs[nav_name]
    target = TYPES[nav.target]
    target_pk = _ref_id(data, nav_name) if isinstance(data, dict) else None
    if target_pk is None:
        raise StaError('The body of $ref is {"@iot.id": id}.')
    with transaction.atomic():
        obj = _existing(entity.model, pk, entity.plural)
        other = _existing(target.model, target_pk, target.plural)
        if nav.many:
            manager = getattr(obj, nav.forward)
            if not hasattr(manager, "add") or entity.name == "Datastream":
                raise StaError(f"Link {nav_name} from the other side.")
            manager.add(other)
            if entity.name == "Thing" and nav_name == "Locations":
                history = m.HistoricalLocation.objects.create(thing=obj, time=timezone.now())
                history.locations.set(obj.locations.all())
        else:
            setattr(obj, nav.forward, other)
            obj.save()
        _audit(caller, CitydataAction.ENTITY_UPDATE, obj, type=entity.name, linked=nav_name)


def link_remove(*, caller: Caller, entity: EntityType, pk: int, nav_name: str,
                target_pk: int) -> None:
    """DELETE …/Nav(id)/$ref: unlink (many-to-many links only)."""
    _require_metadata_writer(caller)
    nav = entity.navs[nav_name]
    with transaction.atomic():
        obj = _existing(entity.model, pk, entity.plural)
        manager = getattr(obj, nav.forward)
        if not nav.many or not hasattr(manager, "remove") or not hasattr(manager, "through"):
            raise StaError(f"{nav_name} is a required link; it cannot be removed.")
        manager.remove(target_pk)
        _audit(caller, CitydataAction.ENTITY_UPDATE, obj, type=entity.name, unlinked=nav_name)
