"""Sign-in and sign-out with audit events, and the lockout page for repeated failures."""

from __future__ import annotations

from axes.handlers.database import AxesDatabaseHandler
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

from yankao.core.audit import CoreAction
from yankao.core.services.audit import audit_record

ANONYMOUS_LABEL = "anonymous"


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        from django.conf import settings

        context = super().get_context_data(**kwargs)
        # Single sign-on (yankao.sso) adds a button when a provider is configured.
        context["sso_enabled"] = getattr(settings, "YANKAO_OIDC_ENABLED", False)
        return context

    def form_valid(self, form):
        response = super().form_valid(form)
        with transaction.atomic():
            audit_record(actor=form.get_user(), action=CoreAction.LOGIN)
        return response

    def form_invalid(self, form):
        if not getattr(self.request, "axes_locked_out", False):
            # A locked-out attempt is audited by lockout_response instead.
            audit_record(
                actor=None,
                actor_label=ANONYMOUS_LABEL,
                action=CoreAction.LOGIN_FAILED,
                data={"username": self.request.POST.get("username", "")[:150]},
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user is not None:
            audit_record(actor=user, action=CoreAction.LOGOUT)
            messages.info(request, _("You have signed out."))
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when a locked-out user or address tries to sign in."""
    username = ""
    if credentials:
        username = credentials.get("username", "")
    elif request.method == "POST":
        username = request.POST.get("username", "")
    audit_record(
        actor=None,
        actor_label=ANONYMOUS_LABEL,
        action=CoreAction.LOCKED_OUT,
        data={"username": username[:150]},
    )
    return render(request, "registration/lockout.html", {"username": username}, status=429)


class DemoPasswordRefused:
    """An authentication backend that, in production, refuses the demo city's documented
    password for every account (issue #11, finding 7): a demo database started with
    YANKAO_ENV=production must not open with ``demo``. It comes before ModelBackend and
    stops the check with PermissionDenied, which counts as a failed sign-in."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from django.conf import settings
        from django.core.exceptions import PermissionDenied

        from yankao.core.demo import DEMO_PASSWORD

        if settings.YANKAO_PRODUCTION and password == DEMO_PASSWORD:
            raise PermissionDenied
        # No get_user: this backend never signs anyone in, so no session names it.
        return None


class LockoutHandler(AxesDatabaseHandler):
    """django-axes, counting failures two ways (AXES_LOCKOUT_PARAMETERS: username with
    address, then username alone): an address is locked out of an account after
    AXES_FAILURE_LIMIT failures, and the account itself after YANKAO_ACCOUNT_FAILURE_LIMIT
    failures from any number of addresses (issue #11, finding 8)."""

    def get_failures(self, request, credentials=None) -> int:
        from django.conf import settings
        from django.db.models import Sum

        counts = [attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
                  for attempts in self.get_user_attempts(request, credentials)]
        if not counts:
            return 0
        pair = counts[0]
        # The account's count, shifted so that reaching its own limit reaches the one limit
        # axes compares with.
        shift = settings.YANKAO_ACCOUNT_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT
        account = max(counts[1:], default=0) - shift
        return max(pair, account)


SESSION_LOGIN_AT = "yankao_login_at"
SESSION_SEEN_AT = "yankao_seen_at"
# The last-seen time is written at most this often, not on every request.
SEEN_RESOLUTION_SECONDS = 60


def session_expired(session, now: float) -> bool:
    """A staff session lasts a working day from sign-in and ends after an idle spell."""
    from django.conf import settings

    login_at = session.get(SESSION_LOGIN_AT)
    seen_at = session.get(SESSION_SEEN_AT, login_at)
    if login_at is None:
        return False
    return (now - login_at > settings.YANKAO_SESSION_HOURS * 3600
            or now - seen_at > settings.YANKAO_SESSION_IDLE_MINUTES * 60)


def session_started(sender, request, user, **kwargs) -> None:
    """On sign-in (user_logged_in): the session's working day starts now."""
    import time

    now = time.time()
    request.session[SESSION_LOGIN_AT] = now
    request.session[SESSION_SEEN_AT] = now
