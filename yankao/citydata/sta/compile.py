"""Turns a parsed ``$filter`` or ``$orderby`` into Django query expressions for one entity
type. Geospatial functions (§9.3.3.5.2, Table 25) are evaluated with Shapely over the few
geometry rows (locations, features, observed areas), bounded by their bounding boxes,
and enter the query as a set of ids: the same code on SQLite and PostgreSQL, no PostGIS."""

from __future__ import annotations

import datetime as dt
import json

import shapely
import shapely.errors
import shapely.geometry
import shapely.wkt
from django.db.models import (
    BooleanField,
    CharField,
    DateTimeField,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
)
from django.db.models.functions import (
    Cast,
    Ceil,
    Coalesce,
    Concat,
    Extract,
    Floor,
    Length,
    Lower,
    Mod,
    Round,
    StrIndex,
    Substr,
    Trim,
    TruncDate,
    TruncTime,
    Upper,
)
from django.db.models.lookups import (
    Contains,
    EndsWith,
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    LessThan,
    LessThanOrEqual,
    StartsWith,
)
from django.utils import timezone

from yankao.citydata.sta import parser as p
from yankao.citydata.sta.entities import TYPES, EntityType, Prop
from yankao.citydata.sta.errors import StaError

LOOKUPS = {"eq": Exact, "gt": GreaterThan, "ge": GreaterThanOrEqual, "lt": LessThan,
           "le": LessThanOrEqual}
STRING_LOOKUPS = {"eq": "exact", "gt": "gt", "ge": "gte", "lt": "lt", "le": "lte"}
MIRROR = {"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}
GEO_PREDICATES = {
    "geo.intersects": "intersects", "st_intersects": "intersects", "st_equals": "equals",
    "st_disjoint": "disjoint", "st_touches": "touches", "st_within": "within",
    "st_overlaps": "overlaps", "st_crosses": "crosses", "st_contains": "contains",
}
BBOX_PREDICATES = {"intersects", "equals", "touches", "within", "overlaps", "crosses",
                   "contains"}
GEO_FIELDS = {"Location": "location", "FeatureOfInterest": "feature",
              "Datastream": "observed_area"}
DATE_PARTS = {"year", "month", "day", "hour", "minute", "second"}
MAX_GEOMETRY_ROWS = 50_000


class FractionalSeconds(Func):
    """The fraction of a second of a time (OData fractionalseconds)."""

    output_field = FloatField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            "(CAST(strftime('%%%%f', %(expressions)s) AS REAL) - "
            "CAST(strftime('%%%%S', %(expressions)s) AS REAL))"), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template=(
            "(EXTRACT(MICROSECONDS FROM %(expressions)s) %%%% 1000000) / 1000000.0"), **extra)


class Resolved:
    """A path resolved on an entity type."""

    def __init__(self, lookup: str, prop: Prop | None, owner: EntityType, prefix: str,
                 keys: tuple[str, ...] = ()):
        self.lookup = lookup  # the Django lookup path to the field
        self.prop = prop
        self.owner = owner  # the entity type that holds the property
        self.prefix = prefix  # the lookup path to the owner ("" for the entity itself)
        self.keys = keys  # keys inside a JSON property


def resolve(entity: EntityType, segments: tuple[str, ...]) -> Resolved:
    current, prefix = entity, ""
    for index, segment in enumerate(segments):
        if segment in current.navs:
            nav = current.navs[segment]
            if nav.many:
                raise StaError(f"$filter cannot follow {segment}: it leads to many entities.")
            prefix += nav.forward + "__"
            current = TYPES[nav.target]
            continue
        name = "id" if segment == "@iot.id" else segment
        prop = current.props.get(name)
        if prop is None:
            raise StaError(f"{current.name} has no property {segment}.")
        keys = segments[index + 1:]
        if keys and prop.kind != "json":
            raise StaError(f"{segment} has no sub-properties.")
        return Resolved(prefix + prop.field, prop, current, prefix, keys)
    raise StaError(f"{'/'.join(segments)} names an entity, not a property.")


def _literal_value(value) -> Value:
    if value is None:
        return Value(None)
    if isinstance(value, bool):
        return Value(value, output_field=BooleanField())
    if isinstance(value, int):
        return Value(value, output_field=IntegerField())
    if isinstance(value, float):
        return Value(value, output_field=FloatField())
    if isinstance(value, dt.datetime):
        return Value(value, output_field=DateTimeField())
    return Value(value, output_field=CharField())


class Compiler:
    def __init__(self, entity: EntityType):
        self.entity = entity

    # --- conditions ----------------------------------------------------------------

    def condition(self, node) -> Q:
        if isinstance(node, p.Binary) and node.op in ("and", "or"):
            left, right = self.condition(node.left), self.condition(node.right)
            return left & right if node.op == "and" else left | right
        if isinstance(node, p.Not):
            return ~self.condition(node.operand)
        if isinstance(node, p.Binary) and node.op in p.COMPARISONS:
            return self.comparison(node.op, node.left, node.right)
        if isinstance(node, p.Call):
            return self.boolean_call(node)
        if isinstance(node, p.Literal) and isinstance(node.value, bool):
            return Q() if node.value else Q(pk__in=[])
        if isinstance(node, p.Path):
            resolved = resolve(self.entity, node.segments)
            return Q(**{resolved.lookup: True})
        raise StaError("$filter must be a condition (a comparison or a function that is "
                       "true or false).")

    def boolean_call(self, node: p.Call) -> Q:
        name, args = node.name, node.args
        if name in ("substringof", "startswith", "endswith"):
            if name == "substringof":
                haystack, needle = args[1], args[0]
                lookup = Contains
            else:
                haystack, needle = args
                lookup = StartsWith if name == "startswith" else EndsWith
            return Q(lookup(self.text(haystack), self.text(needle)))
        if name in GEO_PREDICATES or name == "st_relate":
            return self.geo_condition(node)
        raise StaError(f"{name}() is not true or false; compare it with a value.")

    def comparison(self, op: str, left, right) -> Q:
        for a, b, oper in ((left, right, op), (right, left, MIRROR[op])):
            if isinstance(a, p.Call) and a.name in ("geo.distance", "geo.length"):
                return self.geo_measure(a, oper, b)
            if isinstance(a, p.Call) and a.name in (
                    "substringof", "startswith", "endswith", *GEO_PREDICATES, "st_relate"):
                if not (isinstance(b, p.Literal) and isinstance(b.value, bool)
                        and oper in ("eq", "ne")):
                    raise StaError(f"{a.name}() can only be compared with true or false.")
                result = self.boolean_call(a)
                return result if (oper == "eq") == b.value else ~result
        for a, b, oper in ((left, right, op), (right, left, MIRROR[op])):
            if isinstance(a, p.Path) and isinstance(b, p.Literal):
                return self.path_literal(resolve(self.entity, a.segments), oper, b.value)
        lhs, rhs = self.value(left), self.value(right)
        if op == "ne":
            return ~Q(Exact(lhs, rhs))
        return Q(LOOKUPS[op](lhs, rhs))

    def path_literal(self, resolved: Resolved, op: str, value) -> Q:
        prop = resolved.prop
        lookup = resolved.lookup
        if value is None:
            if op not in ("eq", "ne"):
                raise StaError("null can only be compared with eq or ne.")
            if prop.kind == "result":
                both = Q(**{lookup + "__isnull": True}) & Q(
                    **{resolved.prefix + "result_value__isnull": True})
                return both if op == "eq" else ~both
            return Q(**{lookup + "__isnull": op == "eq"})
        if (prop.kind == "result" and not isinstance(value, int | float)) or (
                prop.kind == "result" and isinstance(value, bool)):
            lookup = resolved.prefix + "result_value"
            if op not in ("eq", "ne"):
                raise StaError("A result that is not a number can only be compared with eq "
                               "or ne.")
            condition = Q(**{lookup: value})
            return condition if op == "eq" else ~condition
        if prop.kind == "json":
            if not resolved.keys:
                raise StaError(f"Compare a key of {prop.name} (e.g. {prop.name}/key), "
                               "not the whole object.")
            lookup = lookup + "__" + "__".join(resolved.keys)
        elif prop.kind in ("time", "interval") and not isinstance(value, dt.datetime):
            raise StaError(f"{prop.name} is a time: compare it with a time such as "
                           "2018-06-01T00:00:00Z.")
        elif (prop.kind == "id" and not isinstance(value, int)) or (
                prop.kind == "id" and isinstance(value, bool)):
            raise StaError("An id is an integer.")
        elif prop.kind == "geo":
            raise StaError(f"{prop.name} is a geometry: use a geospatial function.")
        elif prop.kind == "str" and not isinstance(value, str):
            raise StaError(f"{prop.name} is text: compare it with a quoted string.")
        elif prop.kind == "result" and isinstance(value, int | float):
            pass
        if op == "ne":
            return ~Q(**{lookup: value})
        return Q(**{f"{lookup}__{STRING_LOOKUPS[op]}": value})

    # --- values --------------------------------------------------------------------

    def text(self, node):
        expression = self.value(node)
        return expression

    def value(self, node):
        if isinstance(node, p.Literal):
            return _literal_value(node.value)
        if isinstance(node, p.Path):
            resolved = resolve(self.entity, node.segments)
            if resolved.prop.kind == "geo":
                raise StaError(f"{resolved.prop.name} is a geometry: use a geospatial "
                               "function.")
            if resolved.prop.kind == "json":
                if not resolved.keys:
                    raise StaError(f"Use a key of {resolved.prop.name}, not the whole object.")
                from django.db.models.fields.json import KeyTextTransform

                expression = F(resolved.lookup)
                for key in resolved.keys:
                    expression = KeyTextTransform(key, expression)
                return expression
            return F(resolved.lookup)
        if isinstance(node, p.Negate):
            return self.value(node.operand) * Value(-1)
        if isinstance(node, p.Binary) and node.op in p.ADDITIVE | p.MULTIPLICATIVE:
            left, right = self.value(node.left), self.value(node.right)
            if node.op == "add":
                return _number(left + right)
            if node.op == "sub":
                return _number(left - right)
            if node.op == "mul":
                return _number(left * right)
            if node.op == "div":
                return Cast(left, FloatField()) / Cast(right, FloatField())
            return Mod(left, right)
        if isinstance(node, p.Call):
            return self.call(node)
        if isinstance(node, p.Geography):
            raise StaError("A geography literal can only be an argument of a geospatial "
                           "function.")
        raise StaError("$filter: a condition cannot be used as a value here.")

    def call(self, node: p.Call):
        name, args = node.name, node.args
        if name == "length":
            return Length(self.value(args[0]))
        if name == "indexof":
            return StrIndex(self.value(args[0]), self.value(args[1])) - Value(1)
        if name == "substring":
            start = self.value(args[1]) + Value(1)
            if len(args) == 3:
                return Substr(self.value(args[0]), start, self.value(args[2]))
            return Substr(self.value(args[0]), start)
        if name in ("tolower", "toupper", "trim"):
            function = {"tolower": Lower, "toupper": Upper, "trim": Trim}[name]
            return function(self.value(args[0]))
        if name == "concat":
            return Concat(self.value(args[0]), self.value(args[1]), output_field=CharField())
        if name in DATE_PARTS:
            return Extract(self.value(args[0]), name, tzinfo=dt.UTC)
        if name == "fractionalseconds":
            return FractionalSeconds(self.value(args[0]))
        if name == "date":
            return TruncDate(self.value(args[0]), tzinfo=dt.UTC)
        if name == "time":
            return TruncTime(self.value(args[0]), tzinfo=dt.UTC)
        if name == "totaloffsetminutes":
            self.value(args[0])
            # Times are stored as instants and written out in UTC (Z): the offset is 0.
            return Value(0, output_field=IntegerField())
        if name == "now":
            return Value(timezone.now(), output_field=DateTimeField())
        if name in ("mindatetime", "maxdatetime"):
            if not isinstance(args[0], p.Path):
                raise StaError(f"{name}() takes a time property.")
            resolved = resolve(self.entity, args[0].segments)
            if resolved.prop.kind not in ("time", "interval"):
                raise StaError(f"{name}() takes a time property.")
            if name == "mindatetime" or resolved.prop.end_field is None:
                return F(resolved.lookup)
            return Coalesce(F(resolved.prefix + resolved.prop.end_field), F(resolved.lookup))
        if name in ("round", "floor", "ceiling"):
            function = {"round": Round, "floor": Floor, "ceiling": Ceil}[name]
            return function(self.value(args[0]), output_field=FloatField())
        raise StaError(f"{name}() is true or false; it cannot be used as a value.")

    # --- geospatial ----------------------------------------------------------------

    def _geo_args(self, args) -> tuple[Resolved, shapely.Geometry, bool]:
        """(the path, the literal geometry, whether the path came first)."""
        first, second = args
        if isinstance(first, p.Path) and isinstance(second, p.Geography):
            return self._geo_path(first), _wkt(second.wkt), True
        if isinstance(second, p.Path) and isinstance(first, p.Geography):
            return self._geo_path(second), _wkt(first.wkt), False
        raise StaError("A geospatial function takes one geometry property and one "
                       "geography'…' literal.")

    def _geo_path(self, path: p.Path) -> Resolved:
        resolved = resolve(self.entity, path.segments)
        if resolved.prop.kind != "geo":
            raise StaError(f"{resolved.prop.name} is not a geometry.")
        return resolved

    def geo_condition(self, node: p.Call) -> Q:
        resolved, literal, path_first = self._geo_args(node.args[:2])
        if node.name == "st_relate":
            pattern = node.args[2]
            if not (isinstance(pattern, p.Literal) and isinstance(pattern.value, str)
                    and len(pattern.value) == 9):
                raise StaError("st_relate() takes a DE-9IM pattern of 9 characters.")

            def test(geometry):
                a, b = (geometry, literal) if path_first else (literal, geometry)
                return a.relate_pattern(b, pattern.value)
            bbox = False
        else:
            predicate = GEO_PREDICATES[node.name]

            def test(geometry):
                a, b = (geometry, literal) if path_first else (literal, geometry)
                return getattr(a, predicate)(b)
            bbox = predicate in BBOX_PREDICATES
        return self._ids(resolved, test, literal if bbox else None)

    def geo_measure(self, call: p.Call, op: str, other) -> Q:
        if not (isinstance(other, p.Literal) and isinstance(other.value, int | float)
                and not isinstance(other.value, bool)):
            raise StaError(f"{call.name}() is compared with a number.")
        limit = float(other.value)
        compare = {"eq": lambda v: v == limit, "ne": lambda v: v != limit,
                   "gt": lambda v: v > limit, "ge": lambda v: v >= limit,
                   "lt": lambda v: v < limit, "le": lambda v: v <= limit}[op]
        if call.name == "geo.length":
            if not isinstance(call.args[0], p.Path):
                raise StaError("geo.length() takes a geometry property.")
            resolved = self._geo_path(call.args[0])
            return self._ids(resolved, lambda g: compare(g.length), None)
        resolved, literal, _first = self._geo_args(call.args)
        window = None
        if op in ("lt", "le") and limit >= 0:
            window = shapely.box(*literal.bounds).buffer(limit)
        return self._ids(resolved, lambda g: compare(g.distance(literal)), window)

    def _ids(self, resolved: Resolved, test, bbox_of) -> Q:
        owner = resolved.owner
        geo_field = GEO_FIELDS[owner.name]
        rows = owner.model.objects.exclude(**{f"{geo_field}__isnull": True})
        if bbox_of is not None and owner.name != "Datastream":
            min_x, min_y, max_x, max_y = bbox_of.bounds
            rows = rows.filter(max_x__gte=min_x, min_x__lte=max_x, max_y__gte=min_y,
                               min_y__lte=max_y)
        ids = []
        for pk, geojson in rows.values_list("pk", geo_field)[:MAX_GEOMETRY_ROWS + 1]:
            geometry = geometry_of(geojson)
            if geometry is not None and test(geometry):
                ids.append(pk)
        return Q(**{resolved.prefix + "pk__in": ids})


def _number(expression):
    expression.output_field = FloatField()
    return expression


def _wkt(text: str) -> shapely.Geometry:
    try:
        return shapely.wkt.loads(text)
    except shapely.errors.GEOSException as error:
        raise StaError(f"geography'{text[:60]}' is not valid WKT.") from error


def geometry_of(geojson) -> shapely.Geometry | None:
    """A GeoJSON geometry, or a Feature's geometry, as a Shapely geometry."""
    if isinstance(geojson, str):
        try:
            geojson = json.loads(geojson)
        except ValueError:
            return None
    if not isinstance(geojson, dict):
        return None
    if geojson.get("type") == "Feature":
        geojson = geojson.get("geometry")
    try:
        return shapely.geometry.shape(geojson)
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.GEOSException):
        return None


def order_expression(entity: EntityType, node):
    compiler = Compiler(entity)
    if isinstance(node, p.Path):
        resolved = resolve(entity, node.segments)
        if resolved.prop.kind in ("geo",) or (resolved.prop.kind == "json"
                                              and not resolved.keys):
            raise StaError(f"Cannot order by {resolved.prop.name}.")
    return compiler.value(node)
