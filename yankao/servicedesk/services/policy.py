"""Policy lookups used by every write: routing, deadlines, locations, case numbers."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils.translation import gettext as _

from yankao.core import geo
from yankao.core.calendar import WorkingCalendar, as_taipei, deadline_in_hours
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District
from yankao.servicedesk.models import Category, DeadlineRule, DeadlineUnit, RoutingRule

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
    if geo.areas():
        name = geo.district_name_at(latitude, longitude)
        return District.objects.filter(name_zh=name).first() if name else None
    best, best_distance = None, None
    for district in District.objects.all():
        distance = math.hypot(float(district.latitude) - float(latitude),
                              (float(district.longitude) - float(longitude))
                              * math.cos(math.radians(float(latitude))))
        if best_distance is None or distance < best_distance:
            best, best_distance = district, distance
    if best is None or best_distance > CITY_RADIUS_DEGREES:
        return None
    return best


def route_for(category: Category, district: District | None) -> Agency | None:
    """The handling agency by the routing rules: a district's rule first, then the category's
    rule for every district, then the category's default agency."""
    rules = RoutingRule.objects.filter(category=category, active=True).filter(
        Q(district__isnull=True) | Q(district=district)
    ).select_related("agency")
    best = None
    for rule in rules:
        key = (0 if rule.district_id else 1, rule.priority, rule.pk)
        if best is None or key < best[0]:
            best = (key, rule.agency)
    if best is not None:
        return best[1]
    return category.default_agency


def deadline_rule_for(kind: str, category: Category, on: dt.date) -> DeadlineRule:
    rules = DeadlineRule.objects.filter(kind=kind, valid_from__lte=on).filter(
        Q(category=category) | Q(category__isnull=True)
    ).order_by("-valid_from")
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
