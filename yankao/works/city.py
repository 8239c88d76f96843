"""Public works' part of a city's data folder: ``[[works.policy]]`` in city.toml.

Each entry sets the city's own rules from ``effective_from`` on: the monthly update day,
the written checks a month, the priority delay, the low-award ratio, repeated change
orders and the citizen-report time limits. The grade bands, the failed-test rule and the
yearly inspection minimum are the national law's and come with Yankao. An entry with a
date already there updates that policy; a new date starts a policy that keeps the grade
bands of the one before it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.apps import apps
from django.core.exceptions import ValidationError

from yankao.core.cities import CityFolder
from yankao.core.services.audit import audit_record
from yankao.core.validation import full_clean
from yankao.works.audit import WorksAction
from yankao.works.models import GradeBand, WorksPolicy
from yankao.works.policy_defaults import load_defaults

CITY_ORDER = 40
WHOLE = ("progress_update_day", "monthly_written_checks", "repeated_change_orders",
         "report_handling_working_days", "report_extension_working_days",
         "report_max_extensions")
DECIMALS = ("priority_delay_points", "low_award_ratio_percent")


def load(*, actor, city: CityFolder) -> list[str]:
    # The national law's part (grade bands, defect codes, the minimum) comes first, where
    # a database lacks it (migration 0002 loads it into a new one).
    load_defaults(apps.get_model)
    entries = city.section("works", "policy")
    if entries is None:
        return ["no [[works.policy]] in city.toml: policy left as it is"]
    lines = []
    for index, entry in enumerate(entries, start=1):
        where = f"city.toml [[works.policy]] #{index}"
        values = _values(city, where, entry)
        if values is None:
            continue
        policy = WorksPolicy.objects.filter(effective_from=values["effective_from"]).first()
        changed = [name for name, value in values.items()
                   if policy is None or getattr(policy, name) != value]
        if not changed:
            lines.append(_describe(policy, "unchanged"))
            continue
        earlier = WorksPolicy.objects.filter(effective_from__lt=values["effective_from"]) \
            .order_by("-effective_from").first()
        created = policy is None
        policy = policy or WorksPolicy()
        for name in changed:
            setattr(policy, name, values[name])
        try:
            full_clean(policy)
        except ValidationError as error:
            for column, messages in error.message_dict.items():
                city.problem(where, None, column, " ".join(messages))
            continue
        policy.save()
        if created and earlier is not None:
            for band in earlier.grade_bands.all():
                GradeBand.objects.create(policy=policy, code=band.code, label_zh=band.label_zh,
                                         label_en=band.label_en, min_score=band.min_score,
                                         triggers_consequences=band.triggers_consequences)
        audit_record(actor=actor, action=WorksAction.WORKS_POLICY_LOAD, obj=policy,
                     to_state="created" if created else "updated", data={"changed": changed})
        lines.append(_describe(policy, "new" if created else "changed"))
    return lines


def _describe(policy: WorksPolicy, state: str) -> str:
    return (f"works policy from {policy.effective_from} ({state}): progress due on day "
            f"{policy.progress_update_day}, {policy.monthly_written_checks} written checks a "
            f"month, priority from {policy.priority_delay_points} points behind")


def _values(city: CityFolder, where: str, entry: dict) -> dict | None:
    problems = len(city.problems)
    values: dict = {}
    if not isinstance(entry.get("effective_from"), dt.date):
        city.problem(where, None, "effective_from", "give a date as 2000-01-01")
    else:
        values["effective_from"] = entry["effective_from"]
    for name in sorted(set(entry) - {"effective_from", *WHOLE, *DECIMALS}):
        city.problem(where, None, name, "not a setting of the city's works policy")
    for name in WHOLE:
        if name in entry:
            if not isinstance(entry[name], int):
                city.problem(where, None, name, "must be a whole number")
            values[name] = entry[name]
    for name in DECIMALS:
        if name in entry:
            try:
                values[name] = Decimal(str(entry[name]))
            except InvalidOperation:
                city.problem(where, None, name, "must be a number")
    return None if len(city.problems) > problems else values
