"""Reading: resource paths (§9.2), query options (§9.3) and the JSON of entities and
collections, with ``$resultFormat=dataArray`` (§14.3). Every queryset of datastreams and
observations goes through :func:`yankao.citydata.access.readable_datastreams`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import QuerySet

from yankao.citydata.access import Caller, readable_datastreams
from yankao.citydata.models import Datastream, Observation
from yankao.citydata.sta import parser as p
from yankao.citydata.sta.compile import Compiler, order_expression
from yankao.citydata.sta.entities import BY_PLURAL, TYPES, EntityType, Nav, prop_value
from yankao.citydata.sta.errors import StaError, not_found

SEGMENT = re.compile(r"^(?P<name>[A-Za-z$]+)(?:\((?P<id>[^)]*)\))?$")
DATA_ARRAY_COMPONENTS = ("id", "phenomenonTime", "result", "resultTime", "resultQuality",
                         "validTime", "parameters", "FeatureOfInterest/id")


def default_top() -> int:
    return getattr(settings, "CITYDATA_DEFAULT_TOP", 100)


def max_top() -> int:
    return getattr(settings, "CITYDATA_MAX_TOP", 10_000)


def max_expand_depth() -> int:
    return getattr(settings, "CITYDATA_MAX_EXPAND_DEPTH", 3)


def max_entities() -> int:
    """Entities in one response, expanded ones included (a guard against $top × $expand)."""
    return getattr(settings, "CITYDATA_MAX_ENTITIES", 50_000)


def base_queryset(entity: EntityType, caller: Caller) -> QuerySet:
    if entity.name == "Datastream":
        return readable_datastreams(caller)
    if entity.name == "Observation":
        return Observation.objects.filter(
            datastream_id__in=readable_datastreams(caller, Datastream.objects.all())
            .values("pk"))
    return entity.model.objects.all()


def entity_id(text: str | None) -> int:
    if text is None or not re.fullmatch(r"\d{1,18}", text.strip()):
        raise StaError(f"{text!r} is not an entity id (an integer).")
    return int(text)


@dataclass
class Target:
    """What a resource path names."""

    entity: EntityType
    queryset: QuerySet
    single: bool
    property: str | None = None
    ref: bool = False
    value: bool = False
    parent: tuple[EntityType, int, Nav] | None = None  # for POST to a navigation path


def resolve_path(path: str, caller: Caller) -> Target:
    segments = [s for s in path.strip("/").split("/") if s]
    if not segments:
        raise StaError("No entity set named.", 404)
    match = SEGMENT.match(segments[0])
    if not match or match.group("name") not in BY_PLURAL:
        raise not_found(f"The entity set {segments[0]}")
    entity = BY_PLURAL[match.group("name")]
    queryset = base_queryset(entity, caller)
    single = match.group("id") is not None
    if single:
        queryset = queryset.filter(pk=entity_id(match.group("id")))
    target = Target(entity, queryset, single)
    for index, segment in enumerate(segments[1:], start=1):
        last = index == len(segments) - 1
        if segment == "$ref":
            if not last or target.property:
                raise StaError("$ref ends a path to entities.")
            target.ref = True
            break
        if segment == "$value":
            if not last or not target.property:
                raise StaError("$value follows a property.")
            target.value = True
            break
        if target.property:
            raise StaError(f"{target.property} is a property; nothing follows it.")
        match = SEGMENT.match(segment)
        name = match.group("name") if match else segment
        nav = target.entity.navs.get(name)
        if nav is not None:
            if not target.single:
                raise StaError(f"{name} follows a single entity, not a collection.", 404)
            source = target.entity
            source_id = _single_id(target)
            child = TYPES[nav.target]
            queryset = base_queryset(child, caller).filter(**{nav.reverse: source_id})
            single = not nav.many
            if match and match.group("id") is not None:
                if not nav.many:
                    raise StaError(f"{name} is a single entity; it takes no id.")
                queryset = queryset.filter(pk=entity_id(match.group("id")))
                single = True
            target = Target(child, queryset, single, parent=(source, source_id, nav))
            continue
        if match and match.group("id") is None and name in target.entity.props \
                and target.single:
            target.property = name
            continue
        raise not_found(f"{segment} of {target.entity.name}")
    return target


def _single_id(target: Target) -> int:
    pk = target.queryset.values_list("pk", flat=True).first()
    if pk is None:
        raise not_found(f"The {target.entity.name}")
    return pk


class Reader:
    """Builds the response of one GET."""

    def __init__(self, caller: Caller, base_url: str, params: dict[str, str]):
        self.caller = caller
        self.base_url = base_url.rstrip("/")
        self.params = params
        self.written = 0

    def link(self, entity: EntityType, pk) -> str:
        return f"{self.base_url}/{entity.plural}({pk})"

    # --- options -------------------------------------------------------------------

    def check_options(self, entity: EntityType, options: p.Options) -> None:
        for name in options.select or ():
            if name not in entity.props and name not in entity.navs and name not in (
                    "@iot.id", "@iot.selfLink"):
                raise StaError(f"$select: {entity.name} has no property {name}.")
        for name, nested in options.expand.items():
            nav = entity.navs.get(name)
            if nav is None:
                raise StaError(f"$expand: {entity.name} has no navigation property {name}.")
            self.check_options(TYPES[nav.target], nested)
        if options.top is not None and options.top > max_top():
            raise StaError(f"$top is at most {max_top()}.")
        if options.result_format and options.result_format != "dataArray":
            raise StaError(f"Unknown $resultFormat {options.result_format}.")
        if options.result_format and entity.name != "Observation":
            raise StaError("$resultFormat=dataArray is for Observations.")

    def apply(self, entity: EntityType, queryset: QuerySet, options: p.Options) -> QuerySet:
        if options.filter is not None:
            queryset = queryset.filter(Compiler(entity).condition(options.filter))
        ordering = []
        for expression, descending in options.orderby:
            value = order_expression(entity, expression)
            ordering.append(value.desc(nulls_last=True) if descending
                            else value.asc(nulls_first=True))
        ordering.append("pk")
        return queryset.order_by(*ordering)

    def page(self, entity: EntityType, queryset: QuerySet, options: p.Options):
        queryset = self.apply(entity, queryset, options)
        top = default_top() if options.top is None else options.top
        rows = list(queryset[options.skip:options.skip + top + 1])
        more = len(rows) > top
        count = queryset.count() if options.count else None
        return rows[:top], more, count

    # --- JSON ----------------------------------------------------------------------

    def entity_json(self, entity: EntityType, obj, options: p.Options) -> dict:
        self.written += 1
        if self.written > max_entities():
            raise StaError(f"The response would hold more than {max_entities()} entities; "
                           "ask for fewer with $top, or expand less.")
        select = options.select
        wanted = (lambda name: True) if select is None else (lambda name: name in select)
        out: dict = {}
        if wanted("id") or wanted("@iot.id"):
            out["@iot.id"] = obj.pk
        if select is None or wanted("@iot.selfLink"):
            out["@iot.selfLink"] = self.link(entity, obj.pk)
        for name, prop in entity.props.items():
            if name != "id" and wanted(name):
                out[name] = prop_value(entity, obj, prop)
        for name, nav in entity.navs.items():
            if name in options.expand:
                self.expand_into(out, entity, obj, nav, options.expand[name])
            elif wanted(name):
                out[f"{name}@iot.navigationLink"] = f"{self.link(entity, obj.pk)}/{name}"
        return out

    def expand_into(self, out: dict, entity: EntityType, obj, nav: Nav,
                    options: p.Options) -> None:
        child = TYPES[nav.target]
        queryset = base_queryset(child, self.caller)
        foreign_key = getattr(obj, f"{nav.forward}_id", None) if not nav.many else None
        if not nav.many:
            if foreign_key is not None:
                queryset = queryset.filter(pk=foreign_key)
            else:
                queryset = queryset.filter(**{nav.reverse: obj.pk})
            related = queryset.first()
            out[nav.name] = None if related is None else self.entity_json(child, related,
                                                                          options)
            return
        queryset = queryset.filter(**{nav.reverse: obj.pk})
        rows, more, count = self.page(child, queryset, options)
        if count is not None:
            out[f"{nav.name}@iot.count"] = count
        out[nav.name] = [self.entity_json(child, row, options) for row in rows]
        if more:
            top = default_top() if options.top is None else options.top
            params = {"$top": top, "$skip": options.skip + top}
            out[f"{nav.name}@iot.nextLink"] = (
                f"{self.link(entity, obj.pk)}/{nav.name}?{urlencode(params)}")

    def collection(self, target: Target, options: p.Options, path: str) -> dict:
        rows, more, count = self.page(target.entity, target.queryset, options)
        out: dict = {}
        if count is not None:
            out["@iot.count"] = count
        if target.ref:
            out["value"] = [{"@iot.selfLink": self.link(target.entity, row.pk)} for row in rows]
        elif options.result_format == "dataArray":
            out["value"] = self.data_array(rows, options)
        else:
            out["value"] = [self.entity_json(target.entity, row, options) for row in rows]
        if more:
            top = default_top() if options.top is None else options.top
            params = dict(self.params)
            params["$top"] = str(top)
            params["$skip"] = str(options.skip + top)
            out["@iot.nextLink"] = f"{self.base_url}/{path.strip('/')}?{urlencode(params)}"
        return out

    def data_array(self, rows: list, options: p.Options) -> list[dict]:
        components = list(options.select or DATA_ARRAY_COMPONENTS)
        entity = TYPES["Observation"]
        for name in components:
            if name not in entity.props and name != "FeatureOfInterest/id":
                raise StaError(f"$select: Observations have no component {name}.")
        groups: dict[int, list] = {}
        for row in rows:
            values = []
            for name in components:
                if name == "FeatureOfInterest/id":
                    values.append(row.feature_of_interest_id)
                else:
                    values.append(prop_value(entity, row, entity.props[name]))
            groups.setdefault(row.datastream_id, []).append(values)
        datastream = TYPES["Datastream"]
        return [{"Datastream@iot.navigationLink": self.link(datastream, ds),
                 "components": components, "dataArray@iot.count": len(values),
                 "dataArray": values} for ds, values in groups.items()]

    def single(self, target: Target, options: p.Options):
        obj = target.queryset.first()
        if obj is None:
            raise not_found(f"The {target.entity.name}")
        if target.ref:
            return {"@iot.selfLink": self.link(target.entity, obj.pk)}
        if target.property:
            prop = target.entity.props[target.property]
            value = prop_value(target.entity, obj, prop)
            if target.value:
                return value
            return {target.property: value}
        return self.entity_json(target.entity, obj, options)
