"""Load a city's agencies and districts. Idempotent: running it again changes nothing."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from yankao.core.data import kaohsiung
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import Agency, District
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record

CITIES = {"kaohsiung": kaohsiung}


def _upsert_agency(*, actor, code, name_zh, name_en, short, kind, parent, order) -> Agency:
    agency = Agency.objects.filter(code=code).first()
    if agency is not None:
        return agency
    agency = Agency(
        code=code, name_zh=name_zh, name_en=name_en, short_name_zh=short, kind=kind,
        parent=parent, sort_order=order,
    )
    agency.full_clean()
    agency.save()
    audit_record(actor=actor, action="agency.seed", obj=agency, to_state="active")
    return agency


def city_seed(*, actor=None, city: str = "kaohsiung") -> dict[str, int]:
    """Create the city's agencies, units, outside units and districts that do not exist yet.

    Returns how many agencies and districts the city has afterwards.
    """
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    data = CITIES.get(city)
    if data is None:
        raise DomainError(ErrorCode.INVALID, f"Unknown city {city!r}; known: {', '.join(CITIES)}")
    order = 0
    with transaction.atomic():
        by_code: dict[str, Agency] = {}
        for code, name_zh, name_en, short in data.FIRST_LEVEL:
            order += 10
            by_code[code] = _upsert_agency(
                actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                kind=Agency.Kind.FIRST_LEVEL, parent=None, order=order,
            )
        for rows, kind in ((data.SECOND_LEVEL, Agency.Kind.SECOND_LEVEL),
                           (data.ENTERPRISES, Agency.Kind.ENTERPRISE)):
            for code, parent, name_zh, name_en, short in rows:
                order += 10
                by_code[code] = _upsert_agency(
                    actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                    kind=kind, parent=by_code[parent], order=order,
                )
        for postal, name_zh, name_en, latitude, longitude in data.DISTRICTS:
            order += 10
            office = _upsert_agency(
                actor=actor,
                code=f"district-{name_en.lower().replace('-', '')}",
                name_zh=f"高雄市{name_zh}公所",
                name_en=f"{name_en} District Office",
                short=f"{name_zh}公所",
                kind=Agency.Kind.DISTRICT_OFFICE,
                parent=None,
                order=order,
            )
            if not District.objects.filter(code=postal).exists():
                district = District(
                    code=postal, name_zh=name_zh, name_en=f"{name_en} District", office=office,
                    latitude=Decimal(str(latitude)), longitude=Decimal(str(longitude)),
                )
                district.full_clean()
                district.save()
                audit_record(actor=actor, action="district.seed", obj=district, agency=office)
        for code, name_zh, name_en, short in data.OUTSIDE_UNITS:
            order += 10
            _upsert_agency(
                actor=actor, code=code, name_zh=name_zh, name_en=name_en, short=short,
                kind=Agency.Kind.OUTSIDE, parent=None, order=order,
            )
    return {"agencies": Agency.objects.count(), "districts": District.objects.count()}
