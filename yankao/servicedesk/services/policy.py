"""Policy lookups used by every write: routing, deadlines, locations, case numbers.

Categories, routing rules, deadline rules, districts and the active Open311 keys are read
on every intake, and change a few times a year: :func:`policy_tree` keeps them in the
process and reloads them when :func:`policy_changed` (called by every writer of them) has
changed the shared version in the cache, or after ``POLICY_MAX_AGE`` seconds whatever
happened (a restore, a change made in SQL) (decisions 0130, 0132).
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from yankao.core import geo
from yankao.core.calendar import WorkingCalendar, as_taipei, deadline_in_hours
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District
from yankao.servicedesk.models import (
    Category,
    DeadlineRule,
    DeadlineUnit,
    Open311Client,
    RoutingRule,
)

# Without boundaries: points further than this from every district office are outside the
# city (about 40 km).
CITY_RADIUS_DEGREES = 0.4
NUMBER_ALPHABET = "0123456789"


def parse_coordinate(value, *, field: str, low: float, high: float) -> Decimal | None:
    """A WGS84 coordinate from text or a number, or None when empty. Raises INVALID."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise DomainError(ErrorCode.INVALID, _("%(field)s is not a number.") % {"field": field},
                          field=field) from None
    if not number.is_finite() or not low <= number <= high:
        raise DomainError(
            ErrorCode.INVALID,
            _("%(field)s must be between %(low)s and %(high)s.")
            % {"field": field, "low": low, "high": high},
            field=field,
        )
    return number.quantize(Decimal("0.000001"))


def location_check(latitude, longitude) -> tuple[Decimal | None, Decimal | None]:
    """Both coordinates or neither, each in range; raises INVALID otherwise."""
    lat = parse_coordinate(latitude, field="lat", low=-90, high=90)
    lng = parse_coordinate(longitude, field="long", low=-180, high=180)
    if (lat is None) != (lng is None):
        raise DomainError(ErrorCode.INVALID, _("Give both latitude and longitude."), field="lat")
    return lat, lng


def nearest_district(latitude: Decimal | None, longitude: Decimal | None) -> District | None:
    """The district the point lies in, or None when it is outside the city.

    By the city's district boundaries (``core.geo``); a city without a boundaries file
    falls back to the nearest district office within about 40 km, an approximation the
    operator corrects where a street lies near a boundary.
    """
    if latitude is None or longitude is None:
        return None
    tree = policy_tree()
    if geo.areas():
        name = geo.district_name_at(latitude, longitude)
        return tree.districts_by_name.get(name) if name else None
    best, best_distance = None, None
    for district in tree.districts:
        distance = math.hypot(float(district.latitude) - float(latitude),
                              (float(district.longitude) - float(longitude))
                              * math.cos(math.radians(float(latitude))))
        if best_distance is None or distance < best_distance:
            best, best_distance = district, distance
    if best is None or best_distance > CITY_RADIUS_DEGREES:
        return None
    return best


POLICY_CACHE_KEY = "yankao:servicedesk:policy"
POLICY_MAX_AGE = 300  # seconds: the longest a process keeps the tree without reloading it
POLICY_RECHECK = 1.0  # seconds between two reads of the shared version by one process


@dataclass(frozen=True)
class PolicyTree:
    """Every category (its parent and default agency loaded), the active routing rules of
    each category, the deadline rules of each kind, newest first, the districts (in id
    order, and by Chinese name) and the active Open311 clients by their key's hash."""

    categories: dict[int, Category] = field(default_factory=dict)
    by_code: dict[str, Category] = field(default_factory=dict)
    routing: dict[int, list[RoutingRule]] = field(default_factory=dict)
    deadlines: dict[str, list[DeadlineRule]] = field(default_factory=dict)
    districts: tuple[District, ...] = ()
    districts_by_name: dict[str, District] = field(default_factory=dict)
    open311_clients: dict[str, Open311Client] = field(default_factory=dict)


_tree_lock = threading.Lock()
_tree: dict[str, object] = {"tree": None, "version": None, "loaded": 0.0, "checked": 0.0}


def _tree_load() -> PolicyTree:
    categories = {c.pk: c for c in Category.objects.select_related("parent", "default_agency")}
    routing: dict[int, list[RoutingRule]] = defaultdict(list)
    for rule in RoutingRule.objects.filter(active=True).select_related("agency"):
        routing[rule.category_id].append(rule)
    deadlines: dict[str, list[DeadlineRule]] = defaultdict(list)
    for rule in DeadlineRule.objects.order_by("-valid_from", "id"):
        deadlines[rule.kind].append(rule)
    districts = tuple(District.objects.order_by("pk"))
    by_name: dict[str, District] = {}
    for district in districts:
        by_name.setdefault(district.name_zh, district)
    return PolicyTree(categories=categories,
                      by_code={c.code: c for c in categories.values()},
                      routing=dict(routing), deadlines=dict(deadlines),
                      districts=districts, districts_by_name=by_name,
                      open311_clients={client.key_hash: client for client
                                       in Open311Client.objects.filter(active=True)})


def policy_tree() -> PolicyTree:
    """The categories and rules in force, from this process's copy while it is current.

    The shared version is read at most once a second (an intake asks for the tree several
    times), and before the tables, so a change committed while they load makes the next
    call load again."""
    now = time.monotonic()
    with _tree_lock:
        if _tree["tree"] is not None and now - _tree["checked"] < POLICY_RECHECK:
            return _tree["tree"]  # type: ignore[return-value]
    version = cache.get(POLICY_CACHE_KEY)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(POLICY_CACHE_KEY, version, None):
            version = cache.get(POLICY_CACHE_KEY)
    with _tree_lock:
        if (_tree["tree"] is not None and _tree["version"] == version
                and now - _tree["loaded"] < POLICY_MAX_AGE):
            _tree["checked"] = now
            return _tree["tree"]  # type: ignore[return-value]
    tree = _tree_load()
    with _tree_lock:
        _tree.update(tree=tree, version=version, loaded=now, checked=now)
    return tree


def _policy_version_new() -> None:
    cache.set(POLICY_CACHE_KEY, secrets.token_hex(8), None)


def policy_forget() -> None:
    """Drop this process's copy (the next call loads the tables again)."""
    with _tree_lock:
        _tree.update(tree=None, version=None)


def policy_changed() -> None:
    """Call after writing categories, routing rules or deadline rules: this process drops
    its copy now, and every process reloads once the transaction has committed."""
    policy_forget()
    _policy_version_new()
    transaction.on_commit(_policy_version_new)


def category_by_code(code: str) -> Category | None:
    return policy_tree().by_code.get(code)


def open311_client_by_hash(key_hash: str) -> Open311Client | None:
    """The active Open311 client whose key has this hash (a revoked key is gone from every
    process's tree within ``POLICY_RECHECK`` of the revocation's commit)."""
    return policy_tree().open311_clients.get(key_hash)


def route_for(category: Category, district: District | None) -> Agency | None:
    """The handling agency by the routing rules: a district's rule first, then the category's
    rule for every district, then the category's default agency."""
    tree = policy_tree()
    district_id = district.pk if district is not None else None
    best = None
    for rule in tree.routing.get(category.pk, ()):
        if rule.district_id not in (None, district_id):
            continue
        key = (0 if rule.district_id else 1, rule.priority, rule.pk)
        if best is None or key < best[0]:
            best = (key, rule.agency)
    if best is not None:
        return best[1]
    known = tree.categories.get(category.pk, category)
    return known.default_agency if known.default_agency_id else None


def deadline_rule_for(kind: str, category: Category, on: dt.date) -> DeadlineRule:
    rules = [rule for rule in policy_tree().deadlines.get(kind, ())
             if rule.valid_from <= on and rule.category_id in (None, category.pk)]
    chosen = None
    for rule in rules:  # newest first; a rule for the category wins over a general one
        if rule.category_id:
            chosen = rule
            break
        if chosen is None:
            chosen = rule
    if chosen is None:
        raise DomainError(
            ErrorCode.INVALID,
            _("No time limit is set for %(kind)s cases; an administrator must add a deadline "
              "rule.") % {"kind": kind},
        )
    return chosen


def due_time(rule: DeadlineRule, start: dt.datetime, calendar: WorkingCalendar | None = None
             ) -> dt.datetime:
    """The due time of ``rule`` for a clock starting at ``start`` (core.calendar)."""
    if rule.unit == DeadlineUnit.HOURS:
        return deadline_in_hours(start, rule.amount)
    calendar = calendar or WorkingCalendar.load()
    if rule.unit == DeadlineUnit.WORKING_DAYS:
        return calendar.deadline_in_working_days(start, rule.amount)
    local = as_taipei(start)
    return dt.datetime.combine(local.date() + dt.timedelta(days=rule.amount),
                               dt.time(23, 59, 59), tzinfo=local.tzinfo)


def new_case_number(moment: dt.datetime) -> str:
    """YYYYMMDD-NNNNNN: the registration date and six random digits (retried on a clash)."""
    suffix = "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(6))
    return f"{as_taipei(moment):%Y%m%d}-{suffix}"


PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # noqa: S105 - an alphabet


def new_case_password() -> str:
    """Eight characters without look-alikes (no 0/o, 1/l/i), for reading aloud on the phone."""
    return "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(8))
