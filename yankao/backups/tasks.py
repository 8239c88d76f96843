"""The nightly backup: take one, verify it by restoring it into a scratch database, and
keep the newest ``YANKAO_BACKUP_KEEP`` generations."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

log = logging.getLogger(__name__)


@db_periodic_task(crontab(hour=str(settings.YANKAO_BACKUP_HOUR), minute="30"))
def nightly_backup() -> str:
    from yankao.backups.services import backup_create, backup_verify, backups_prune

    if settings.YANKAO_BACKUP_KEEP == 0:
        return "off"
    folder = Path(settings.YANKAO_BACKUP_DIR)
    result = backup_create(to=folder)
    report = backup_verify(path=result.path)
    if not report.ok:
        log.error("the backup %s does not verify: %s", result.path, report.lines)
        return "failed"
    backups_prune(folder=folder, keep=settings.YANKAO_BACKUP_KEEP)
    return result.path.name
