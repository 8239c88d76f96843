"""Per-request context that service functions read without taking a request argument.

Services take ``actor`` explicitly; the client address is carried here because every
audit event needs it and threading it through every call would bury the domain arguments.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.http import HttpRequest

_client_ip: ContextVar[str | None] = ContextVar("yankao_client_ip", default=None)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or the X-Forwarded-For hop added by our own proxies."""
    address = request.META.get("REMOTE_ADDR")
    proxies = getattr(settings, "YANKAO_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= proxies:
            address = hops[-proxies]
    try:
        return str(ipaddress.ip_address(address)) if address else None
    except ValueError:
        return None


def current_ip() -> str | None:
    return _client_ip.get()


def set_current_ip(address: str | None):
    """Set the address for this request; returns the token to reset it with."""
    return _client_ip.set(address)


def reset_current_ip(token) -> None:
    _client_ip.reset(token)
