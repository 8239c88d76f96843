"""Set up a city from its data folder: ``yankao city setup [FOLDER]``."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction
from django.utils import timezone

from yankao.core.audit import CoreAction
from yankao.core.cities import CityFolder, city_folder, city_loaders
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import City
from yankao.core.permissions import can_administer
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean


def city_setup(*, actor=None, folder: str | Path | None = None, demo: bool = False
               ) -> list[str]:
    """Load a city's agencies, districts, catalogue and policies from its data folder
    (Kaohsiung's by default) into this database, all or nothing; returns lines saying
    what was loaded. Running it again with the same files changes nothing; with changed
    files it updates what changed (nothing is deleted). ``demo`` marks the demo city."""
    if actor is not None and not can_administer(actor):
        raise DomainError(ErrorCode.FORBIDDEN)
    city = city_folder(folder)
    existing = City.objects.first()
    if existing is not None and existing.code != city.code:
        raise DomainError(ErrorCode.CONFLICT,
                          f"this database holds {existing.name_zh} ({existing.code}); set up "
                          f"{city.settings['name_zh']} in a new data folder (--data)")
    if existing is not None and existing.demo and not demo:
        raise DomainError(ErrorCode.CONFLICT,
                          "this database holds the demo city; set up a real city in a new "
                          "data folder (--data)")
    lines = [f"{city.settings['name_zh']} ({city.settings['name_en']}) from {city.path}"]
    with transaction.atomic():
        for _order, label, module in city_loaders():
            for line in module.load(actor=actor, city=city):
                lines.append(f"  {label}: {line}")
            # A mistake in a module's files: raise, and the transaction rolls back. Later
            # modules refer to earlier ones (categories to agencies), so they wait.
            city.check()
        _record(actor, city, demo)
    return lines


def _record(actor, city: CityFolder, demo: bool) -> None:
    values = {"code": city.code, "name_zh": city.settings["name_zh"],
              "name_en": city.settings["name_en"],
              "government_zh": city.settings["government_zh"], "demo": demo,
              "loaded_from": str(city.path)[:300]}
    stored = City.objects.first()
    if stored is None:
        stored = City(set_up_at=timezone.now(), **values)
    elif all(getattr(stored, name) == value for name, value in values.items()):
        return
    else:
        for name, value in values.items():
            setattr(stored, name, value)
    full_clean(stored)
    stored.save()
    audit_record(actor=actor, action=CoreAction.CITY_SETUP, obj=stored,
                 to_state="demo" if demo else "set up", data={"folder": values["loaded_from"]})
