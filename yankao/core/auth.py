"""Sign-in and sign-out with audit events, and the lockout page for repeated failures."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.db import transaction
from django.shortcuts import render
from django.utils.translation import gettext as _

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
            audit_record(actor=form.get_user(), action="auth.login")
        return response

    def form_invalid(self, form):
        if not getattr(self.request, "axes_locked_out", False):
            # A locked-out attempt is audited by lockout_response instead.
            audit_record(
                actor=None,
                actor_label=ANONYMOUS_LABEL,
                action="auth.login_failed",
                data={"username": self.request.POST.get("username", "")[:150]},
            )
        return super().form_invalid(form)


class LogoutView(auth_views.LogoutView):
    def post(self, request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        if user is not None:
            audit_record(actor=user, action="auth.logout")
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
        action="auth.locked_out",
        data={"username": username[:150]},
    )
    return render(request, "registration/lockout.html", {"username": username}, status=429)
