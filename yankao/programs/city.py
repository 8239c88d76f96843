"""Program control's part of a city's data folder: ``[[programs.policy]]`` in city.toml.

Each entry is the control policy from ``effective_from`` on (delay thresholds in points,
the report due day, the budget execution floor and the document overdue flag in %, the
rule they come from); an entry with a date already there updates that policy.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from yankao.core.cities import CityFolder
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.programs.audit import ProgramsAction
from yankao.programs.models import ControlPolicy

CITY_ORDER = 30
DECIMALS = ("delay_minor_points", "delay_severe_points", "budget_execution_floor_pct",
            "document_overdue_flag_pct")
WHOLE = ("report_due_day",)
TEXTS = ("source",)


def load(*, actor, city: CityFolder) -> list[str]:
    entries = city.section("programs", "policy")
    if entries is None:
        return ["no [[programs.policy]] in city.toml: policy left as it is"]
    lines = []
    for index, entry in enumerate(entries, start=1):
        where = f"city.toml [[programs.policy]] #{index}"
        values = _values(city, where, entry)
        if values is None:
            continue
        policy = ControlPolicy.objects.filter(effective_from=values["effective_from"]).first()
        changed = [name for name, value in values.items()
                   if policy is None or getattr(policy, name) != value]
        if not changed:
            lines.append(_describe(policy, "unchanged"))
            continue
        policy = policy or ControlPolicy()
        for name in changed:
            setattr(policy, name, values[name])
        try:
            full_clean(policy)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                city.problem(where, None, column, " ".join(messages))
            continue
        created = policy.pk is None
        policy.save()
        audit_record(actor=actor, action=ProgramsAction.CONTROL_POLICY_LOAD, obj=policy,
                     to_state="created" if created else "updated", data={"changed": changed})
        lines.append(_describe(policy, "new" if created else "changed"))
    return lines


def _describe(policy: ControlPolicy, state: str) -> str:
    return (f"control policy from {policy.effective_from} ({state}): behind from "
            f"{policy.delay_minor_points} points, severely from {policy.delay_severe_points}, "
            f"reports due on day {policy.report_due_day}")


def _values(city: CityFolder, where: str, entry: dict) -> dict | None:
    problems = len(city.problems)
    values: dict = {}
    if not isinstance(entry.get("effective_from"), dt.date):
        city.problem(where, None, "effective_from", "give a date as 2011-01-01")
    else:
        values["effective_from"] = entry["effective_from"]
    unknown = set(entry) - {"effective_from", *DECIMALS, *WHOLE, *TEXTS}
    for name in sorted(unknown):
        city.problem(where, None, name, "not a setting of the control policy")
    for name in DECIMALS:
        if name in entry:
            try:
                values[name] = Decimal(str(entry[name])).quantize(Decimal("0.01"))
            except InvalidOperation:
                city.problem(where, None, name, "must be a number")
    for name in WHOLE:
        if name in entry:
            if not isinstance(entry[name], int):
                city.problem(where, None, name, "must be a whole number")
            values[name] = entry[name]
    for name in TEXTS:
        if name in entry:
            values[name] = str(entry[name])
    return None if len(city.problems) > problems else values
