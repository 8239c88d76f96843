"""The demo city: a deterministic, seeded generator (``yankao demo``).

Each app may add a ``demo.py`` with ``DEMO_ORDER`` (an int) and ``build(ctx)``; they run
in that order. ``--scale 1`` is one year (2018) of Kaohsiung at the volumes of the RDEC
2018 report; high-volume records (calls, cases, observations) grow with the scale, and
the few records the report counts one by one (163 programs, 148 inspections) do not.
"""

from __future__ import annotations

import importlib
import random
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from tqdm import tqdm

from yankao.config import DEFAULT_SCALE, DEFAULT_SEED
from yankao.core.models import Agency, Role
from yankao.core.services.city import city_setup
from yankao.core.services.closures import closure_day_add
from yankao.core.services.people import membership_grant, staff_user_create
from yankao.core.services.tokens import api_token_create

DEMO_PASSWORD = "demo"  # noqa: S105 - the documented demo password; demo refuses production


@dataclass(frozen=True)
class DemoUser:
    username: str
    last_name: str
    first_name: str
    agency_code: str
    role: str
    description: str

    @property
    def token(self) -> str:
        return f"yk_demo_{self.username}"


DEMO_USERS = [
    DemoUser("evaluator", "林", "雅婷", "rdec", Role.EVALUATOR,
             "RDEC evaluator (sees all agencies)"),
    DemoUser("operator", "陳", "志明", "rdec", Role.OPERATOR, "1999 hotline operator"),
    DemoUser("registrar", "黃", "淑芬", "rdec", Role.REGISTRAR, "registrar who routes cases"),
    DemoUser("officer", "張", "家豪", "pwb-maintenance", Role.OFFICER, "officer of 養工處"),
    DemoUser("chief", "王", "美玲", "pwb-maintenance", Role.SECTION_CHIEF,
             "section chief of 養工處"),
    DemoUser("officer_epb", "劉", "怡君", "environmental-protection", Role.OFFICER,
             "officer of 環保局"),
    DemoUser("inspector", "李", "建宏", "rdec", Role.INSPECTOR, "public-works inspector"),
    DemoUser("admin", "吳", "宗翰", "rdec", Role.ADMINISTRATOR, "administrator"),
]

# City closure days (停班) with their typhoons, for the working calendar.
DEMO_CLOSURE_DAYS = [
    ("2024-07-24", "凱米颱風停止上班"),
    ("2024-07-25", "凱米颱風停止上班"),
]


@dataclass
class DemoContext:
    """What every app's demo builder gets: the scale, a seeded random source, progress."""

    scale: float
    seed: int
    year: int = 2018
    out: TextIO = field(default_factory=lambda: sys.stdout)
    show_progress: bool = True

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    def scaled(self, full_year_count: int) -> int:
        """A volume of the reference year at this scale (at least 1 when it is not 0)."""
        if full_year_count <= 0:
            return 0
        return max(1, round(full_year_count * self.scale))

    def rng_for(self, name: str) -> random.Random:
        """A separate seeded stream per builder, so adding one builder does not shift others."""
        return random.Random(f"{self.seed}:{name}")

    @contextmanager
    def progress(self, label: str, total: int) -> Iterator[tqdm]:
        with tqdm(
            total=total, desc=label, unit="rec", file=self.out, leave=True,
            disable=not self.show_progress, dynamic_ncols=True,
        ) as bar:
            yield bar

    def say(self, message: str) -> None:
        if self.show_progress:
            print(message, file=self.out, flush=True)


class DemoRefused(Exception):
    pass


def demo_builders() -> list[tuple[int, str, object]]:
    """(order, app label, module) for every installed app that has a demo module."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("yankao."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name == f"{config.name}.demo":
                continue
            raise
        found.append((getattr(module, "DEMO_ORDER", 100), config.label, module))
    return sorted(found, key=lambda item: item[0])


def database_is_empty() -> bool:
    return not Agency.objects.exists()


def demo_build(
    *, scale: float = DEFAULT_SCALE, seed: int = DEFAULT_SEED, out: TextIO | None = None,
    show_progress: bool = True,
) -> DemoContext:
    """Build the demo city into an empty database."""
    if settings.YANKAO_PRODUCTION:
        raise DemoRefused("the demo city is not loaded in production (YANKAO_ENV=production)")
    if not 0 < scale <= 20:
        raise DemoRefused(f"--scale must be above 0 and at most 20, not {scale}")
    if not database_is_empty():
        raise DemoRefused("the database already holds a city; use a new --data folder")
    ctx = DemoContext(scale=scale, seed=seed, out=out or sys.stdout, show_progress=show_progress)
    for _order, label, module in demo_builders():
        started = time.monotonic()
        module.build(ctx)
        ctx.say(f"  {label}: {time.monotonic() - started:.1f} s")
    return ctx


DEMO_ORDER = 0


def build(ctx: DemoContext) -> None:
    """Core: the city's agencies and districts, one user per role, closure days."""
    import datetime as dt

    with transaction.atomic():
        for line in city_setup(actor=None, demo=True):  # Kaohsiung's files, marked demo
            ctx.say(f"  {line}")
        shared_hash = make_password(DEMO_PASSWORD)
        agencies = {agency.code: agency for agency in Agency.objects.all()}
        for demo_user in DEMO_USERS:
            user = staff_user_create(
                actor=None,
                username=demo_user.username,
                first_name=demo_user.first_name,
                last_name=demo_user.last_name,
                email=f"{demo_user.username}@demo.yankao.invalid",
                password_hash=shared_hash,
            )
            membership_grant(
                actor=None, user=user, agency=agencies[demo_user.agency_code], role=demo_user.role
            )
            api_token_create(
                actor=user, user=user, name="demo token", raw_key=demo_user.token
            )
        for date, reason in DEMO_CLOSURE_DAYS:
            closure_day_add(actor=None, date=dt.date.fromisoformat(date), reason=reason)
