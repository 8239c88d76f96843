"""The modules of the staff home page.

An app lists its entry points as ``yankao_modules`` on its AppConfig; the staff home shows
those the user's roles allow. Modules of DESIGN.md that are not installed yet are listed
apart as not yet available, so nobody mistakes them for missing permissions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yankao.core.permissions import actor_scope


@dataclass(frozen=True)
class ModuleLink:
    key: str
    title: str | Promise
    description: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: anyone signed in
    order: int = 100
    # Where the roles are not enough (a role held in an agency the module has nothing
    # for), whether this user may open the module: the link is shown only then.
    opens_for: Callable[[object], bool] | None = None

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


# The domain modules of DESIGN.md, by the key their app declares.
PLANNED_MODULES: dict[str, tuple[Promise, Promise]] = {
    "servicedesk": (
        _("Service desk"),
        _("1999 calls, petitions, the mayor's mailbox and 4-hour hazard dispatch"),
    ),
    "programs": (
        _("Program control"),
        _("Controlled programs, monthly progress, KPIs and year-end grades"),
    ),
    "works": (
        _("Public works"),
        _("Tenders, monthly progress, unannounced inspections, citizen works reports"),
    ),
    "participation": (
        _("Participation"),
        _("Participatory budgets, staff innovation proposals and hackathons"),
    ),
    "research": (
        _("Research"),
        _("Commissioned research, thesis grants, overseas-trip reports"),
    ),
    "opendata": (_("Open data"), _("Datasets, quality labels, CKAN API and DCAT")),
    "citydata": (_("City sensor data"), _("SensorThings streams, rollups and alerts")),
    "assistant": (_("FAQ assistant"), _("Answers from the FAQ, with hand-over to a person")),
    "reports": (
        _("Reports and dashboards"),
        _("The annual performance report, monthly analyses and public dashboards"),
    ),
}


def installed_module_links() -> list[ModuleLink]:
    links: list[ModuleLink] = []
    for config in apps.get_app_configs():
        links.extend(getattr(config, "yankao_modules", ()))
    return sorted(links, key=lambda link: (link.order, str(link.title)))


def staff_home_modules(user) -> tuple[list[ModuleLink], list[tuple[Promise, Promise]]]:
    """(modules this user may open, planned modules not installed yet)."""
    scope = actor_scope(user)
    available = [
        link
        for link in installed_module_links()
        if (link.roles is None or scope.is_superuser or scope.roles & link.roles)
        and (link.opens_for is None or link.opens_for(user))
    ]
    installed_keys = {link.key for link in installed_module_links()}
    planned = [value for key, value in PLANNED_MODULES.items() if key not in installed_keys]
    return available, planned
