"""Audit actions of backups."""

from yankao.core.audit import AuditAction


class BackupAction(AuditAction):
    CREATE = "backup.create"
    VERIFY = "backup.verify"
    VERIFY_FAILED = "backup.verify_failed"
    RESTORE = "backup.restore"
    PRUNE = "backup.prune"
