from __future__ import annotations

from ninja.security import HttpBearer, SessionAuth

from yankao.core.services.tokens import api_token_authenticate


class BearerToken(HttpBearer):
    """``Authorization: Bearer yk_...`` with a personal API token."""

    openapi_description = "A personal API token, created on the staff page “API tokens”."

    def authenticate(self, request, token: str):
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class StaffSession(SessionAuth):
    """A signed-in staff browser session (CSRF is checked on writes)."""

    def authenticate(self, request, key):
        user = super().authenticate(request, key)
        return user if user is not None and user.is_active else None


API_AUTH = [BearerToken(), StaffSession()]
