"""Rate limits for public forms and endpoints, per client address (django-ratelimit)."""

from __future__ import annotations

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from yankao.core.context import client_ip
from yankao.core.errors import DomainError, ErrorCode


def _client_key(group: str, request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def rate_limit(request: HttpRequest, *, group: str, rate: str) -> None:
    """Count this request in ``group``; raise RATE_LIMITED past ``rate`` (e.g. "10/m")."""
    if is_ratelimited(request, group=group, key=_client_key, rate=rate, increment=True):
        raise DomainError(ErrorCode.RATE_LIMITED)
