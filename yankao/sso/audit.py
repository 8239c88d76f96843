"""Audit actions of single sign-on."""

from yankao.core.audit import AuditAction


class SsoAction(AuditAction):
    LOGIN = "sso.login"
    FAILED = "sso.failed"
    USER_CREATE = "sso.user_create"
    CLAIM_IGNORED = "sso.claim_ignored"
