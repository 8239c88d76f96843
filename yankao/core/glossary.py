"""English names from the approved bilingual glossary, for the platform's English pages.

Core owns the lookup and knows no domain app: an app offers the approved names by naming
a function on its AppConfig (``yankao_glossary = "pkg.module.function"``, returning
``{Chinese: English}``). Templates use ``{{ agency|english_name }}`` or the ``name``
properties of agencies and districts, which ask :func:`english_name` when English is
active. The names are cached per process and dropped when a term is reviewed.
"""

from __future__ import annotations

import time

from django.apps import apps
from django.core.cache import cache
from django.db import DatabaseError
from django.utils.module_loading import import_string

CACHE_KEY = "yankao:glossary:v1"
RECHECK_SECONDS = 30  # how often a process asks the shared cache whether terms changed
_local: dict[str, object] = {"names": {}, "version": None, "checked": 0.0}


def _load() -> dict[str, str]:
    names: dict[str, str] = {}
    for config in apps.get_app_configs():
        provider = getattr(config, "yankao_glossary", None)
        if provider:
            names.update(import_string(provider)())
    return names


def english_names() -> dict[str, str]:
    now = time.monotonic()
    if _local["version"] is None or now - _local["checked"] > RECHECK_SECONDS:
        _local["checked"] = now
        version = cache.get(CACHE_KEY)
        if version is None:
            version = 1
            cache.set(CACHE_KEY, version, None)
        if _local["version"] != version:
            _local["names"], _local["version"] = _load(), version
    return _local["names"]  # type: ignore[return-value]


def english_name(zh: str, default: str = "") -> str:
    """The approved English name of a Chinese name, or ``default``."""
    if not zh:
        return default
    try:
        return english_names().get(zh, default)
    except DatabaseError:  # before migrations: no glossary table yet
        return default


def glossary_changed() -> None:
    _local["version"] = None
    try:
        cache.incr(CACHE_KEY)
    except ValueError:
        cache.set(CACHE_KEY, 2, None)
