from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from yankao.core.context import client_ip, reset_current_ip, set_current_ip


class RequestContextMiddleware:
    """Makes the client address available to audit events written during this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_current_ip(client_ip(request))
        try:
            return self.get_response(request)
        finally:
            reset_current_ip(token)


class LanguageMiddleware:
    """Traditional Chinese unless the visitor chose English with the language switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: the city's
    pages open in its own language, and the switch on every page changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _ in settings.LANGUAGES}
        language = chosen.lower() if chosen.lower() in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        translation.deactivate()
        return response


CONTROL_CHARACTERS = frozenset(chr(code) for code in (*range(0x20), 0x7F))


# Bodies read whole here (they are parsed whole by the view anyway); multipart uploads are
# left to the views, whose text goes through core.validation.full_clean.
NUL_SPELLINGS = {"application/json": (b"\x00", b"\\u0000"),
                 "application/x-www-form-urlencoded": (b"\x00", b"%00")}


def _body_has_nul(request: HttpRequest) -> bool:
    """A NUL in a JSON or form body: PostgreSQL cannot compare or store text holding one,
    so it would fail a lookup as a server error; it is the client's error."""
    spellings = NUL_SPELLINGS.get(request.content_type or "")
    if not spellings or request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    from django.core.exceptions import RequestDataTooBig

    try:
        body = request.body
    except RequestDataTooBig:
        return False  # unread: the view refuses it in its own protocol's words
    return any(spelling in body for spelling in spellings)


class RequestGuardMiddleware:
    """Refuses what no page or endpoint can use, in the protocol's own format
    (:mod:`yankao.core.protocols`), before it reaches a view or the database:

    - a body larger than YANKAO_MAX_REQUEST_BYTES, by its declared length, unread;
    - control characters in the address or query string, and a NUL in a JSON or form body
      (PostgreSQL cannot even compare text with NUL in it);
    - a body the view cannot parse (a multipart body without its boundary, bytes that are
      not in the declared charset), which Django would answer with a 500;
    - the empty 405 and 400 responses of Django's decorators get a body that says why.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings

        from yankao.core.protocols import refusal

        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.YANKAO_MAX_REQUEST_BYTES:
            # Refused before a byte of the body is read.
            return refusal(request, 413, _("The request is larger than this server accepts."))
        address = unquote(request.path, errors="replace") + unquote(
            request.META.get("QUERY_STRING", ""), errors="replace")
        if not CONTROL_CHARACTERS.isdisjoint(address):
            return refusal(request, 400, _("The address contains control characters."))
        if _body_has_nul(request):
            return refusal(request, 400, _("The request contains a NUL character, which no "
                                           "text may hold."))
        response = self.get_response(request)
        if response.status_code in (400, 405) and not response.streaming and not (
                response.content):
            allowed = response.get("Allow")
            message = (_("This address does not accept %(method)s; it accepts %(allowed)s.")
                       % {"method": request.method, "allowed": allowed}
                       if response.status_code == 405 and allowed
                       else _("The request could not be read."))
            response = refusal(request, response.status_code, message)
            if allowed:
                response["Allow"] = allowed
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        from yankao.core.protocols import refusal

        if isinstance(exception, MultiPartParserError | UnicodeDecodeError):
            return refusal(request, 400, _("The request body could not be read: %(error)s")
                           % {"error": exception})
        return None


class SessionLimitMiddleware:
    """Ends a staff session after a working day (YANKAO_SESSION_HOURS from sign-in) or an
    idle spell (YANKAO_SESSION_IDLE_MINUTES), whichever comes first; the next page asks
    for a sign-in again. The last-seen time is saved at most once a minute."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.contrib.auth import logout

        from yankao.core.auth import (
            SEEN_RESOLUTION_SECONDS,
            SESSION_SEEN_AT,
            session_expired,
        )

        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            if session_expired(request.session, now):
                logout(request)
            elif now - request.session.get(SESSION_SEEN_AT, 0) > SEEN_RESOLUTION_SECONDS:
                request.session[SESSION_SEEN_AT] = now
        return self.get_response(request)
