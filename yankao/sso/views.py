"""Sign-in through the city's identity provider. Every failure — a wrong or replayed
state, an error from the provider, a token exchange that fails, a token whose signature or
nonce does not check — ends on an error page (never a 500), audited, signed out."""

from __future__ import annotations

import logging

import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc import views as oidc_views

from yankao.core.services.audit import audit_record
from yankao.sso.audit import SsoAction

log = logging.getLogger(__name__)


def _enabled() -> None:
    if not settings.YANKAO_OIDC_ENABLED:
        raise Http404


def failure_page(request, reason: str, status: int):
    audit_record(actor=None, actor_label="anonymous", action=SsoAction.FAILED,
                 reason=reason[:200])
    if request.user.is_authenticated:
        auth.logout(request)
    return render(request, "sso/failed.html", {"reason": reason}, status=status)


class SignIn(oidc_views.OIDCAuthenticationRequestView):
    def get(self, request):
        _enabled()
        return super().get(request)


class Callback(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request):
        _enabled()
        try:
            response = super().get(request)
        except SuspiciousOperation as error:
            # A state that is not ours (forged or replayed), a token whose signature or
            # nonce does not verify.
            return failure_page(request, f"rejected: {error}", 400)
        except requests.RequestException as error:
            log.warning("single sign-on: the provider could not be reached: %s", error)
            return failure_page(request, f"token exchange failed: {type(error).__name__}", 502)
        except (ValueError, KeyError, TypeError) as error:
            return failure_page(request, f"malformed answer: {type(error).__name__}", 502)
        return response

    def login_failure(self):
        reason = self.request.GET.get("error", "") or "not authenticated"
        return failure_page(self.request, f"provider said: {reason}", 400)

    def login_success(self):
        response = super().login_success()
        audit_record(actor=self.user, action=SsoAction.LOGIN)
        return response
