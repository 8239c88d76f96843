"""Counting use: views of a dataset's page and downloads of its resources, per month."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import F

from yankao.opendata.models import Dataset, DatasetUsage
from yankao.opendata.services.common import today_taipei


def usage_record(*, dataset: Dataset | str, views: int = 0, downloads: int = 0,
                 day: dt.date | None = None) -> None:
    """Add to the month's counters (race-safe: one UPDATE, or the row's first INSERT)."""
    month = (day or today_taipei()).replace(day=1)
    dataset_id = dataset.pk if isinstance(dataset, Dataset) else dataset
    updated = DatasetUsage.objects.filter(dataset_id=dataset_id, month=month).update(
        views=F("views") + views, downloads=F("downloads") + downloads)
    if updated:
        return
    try:
        with transaction.atomic():
            DatasetUsage.objects.create(dataset_id=dataset_id, month=month, views=views,
                                        downloads=downloads)
    except IntegrityError:
        DatasetUsage.objects.filter(dataset_id=dataset_id, month=month).update(
            views=F("views") + views, downloads=F("downloads") + downloads)
