"""The /api/v1 JSON API: one NinjaAPI, each app adding its router (OpenAPI at openapi.json)."""

from __future__ import annotations

import yankao
from yankao.assistant.api.router import router as assistant_router
from yankao.core.api.auth import API_AUTH
from yankao.core.api.errors import install_problem_handlers
from yankao.core.api.openapi import YankaoAPI
from yankao.core.api.router import router as core_router
from yankao.counter.api.router import router as counter_router
from yankao.opendata.api.router import router as opendata_router
from yankao.participation.api.router import router as participation_router
from yankao.programs.api.router import router as programs_router
from yankao.research.api.router import router as research_router
from yankao.servicedesk.api.router import router as servicedesk_router
from yankao.works.api.router import router as works_router

api = YankaoAPI(
    title="Yankao API",
    version="1",
    description=(
        "Records of the city's Research, Development and Evaluation Commission. "
        "Authenticate with `Authorization: Bearer <token>`. Every list is limited to the "
        "agencies the token's user may see. Errors are problem JSON (RFC 9457). "
        f"Server version {yankao.__version__}."
    ),
    auth=API_AUTH,
    urls_namespace="api-v1",
)
install_problem_handlers(api)
api.add_router("/", core_router)
api.add_router("/", servicedesk_router)
api.add_router("/", works_router)
api.add_router("/programs", programs_router)
api.add_router("/opendata", opendata_router)
api.add_router("/", assistant_router)
api.add_router("/", counter_router)
api.add_router("/participation", participation_router)
api.add_router("/research", research_router)
