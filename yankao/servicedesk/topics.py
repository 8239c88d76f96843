"""Citizen topics as data: each city ships its own mapping from the names a citizen would
say to its internal 1999 categories (a city folder's ``servicedesk/topics.json``;
Kaohsiung's ships in ``yankao/cities/kaohsiung``).

A topic names its category by service code, or by the category's Chinese name as the
city's published 1999 list has it. Names the catalogue does not have are reported, so the
city completes the mapping and loads it again (loading is idempotent).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from yankao.core.services.audit import audit_record
from yankao.servicedesk.audit import ServiceDeskAction
from yankao.servicedesk.models import Category, Topic

KAOHSIUNG_TOPICS = (Path(__file__).resolve().parent.parent / "cities" / "kaohsiung"
                    / "servicedesk" / "topics.json")


@dataclass
class TopicsLoaded:
    groups: int = 0
    topics: int = 0
    unknown: list[str] = field(default_factory=list)


@transaction.atomic
def topics_load(*, actor=None, path: Path = KAOHSIUNG_TOPICS) -> TopicsLoaded:
    """Create or update the topics of the file; a topic whose category is unknown is
    kept inactive and listed in ``unknown``."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    categories = {c.code: c for c in Category.objects.filter(parent__isnull=False)}
    by_name = {c.name_zh: c for c in categories.values()}
    result = TopicsLoaded()
    order = 0
    for group in document["groups"]:
        order += 100
        parent, created = Topic.objects.update_or_create(
            code=group["code"], defaults={"name_zh": group["name_zh"],
                                          "name_en": group["name_en"], "parent": None,
                                          "sort_order": order, "active": True})
        result.groups += 1
        if created:
            audit_record(actor=actor, action=ServiceDeskAction.TOPIC_SEED, obj=parent)
        for index, item in enumerate(group["items"], start=1):
            category = categories.get(item["category"]) or by_name.get(item["category"])
            if category is None:
                result.unknown.append(item["category"])
            topic, created = Topic.objects.update_or_create(
                code=item["code"], defaults={
                    "parent": parent, "name_zh": item["name_zh"], "name_en": item["name_en"],
                    "keywords": item.get("keywords", ""), "category": category,
                    "sort_order": order + index, "active": category is not None})
            result.topics += 1
            if created:
                audit_record(actor=actor, action=ServiceDeskAction.TOPIC_SEED, obj=topic)
    return result
