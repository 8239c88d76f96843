"""Sign-in protections of issue #11 (findings 7 and 8): the account locks however many
addresses guess at it, a session lasts a working day and ends when idle, and a demo
database started in production opens with none of the demo city's credentials."""

import os
import subprocess
import sys
import time

import pytest
from django.test import Client

from yankao.core.models import AuditEvent
from yankao.core.tests.factories import UserFactory
from yankao.core.tests.test_auth_and_audit import login


def test_an_account_locks_after_guesses_from_many_addresses(client, officer, settings):
    """32 wrong passwords from 8 addresses, 4 each (under the per-address limit of 5):
    the account locks, and then even the right password from a new address is refused."""
    refused = 0
    for attempt in range(32):
        address = f"203.0.113.{attempt % 8 + 1}"
        response = login(Client(), "t_officer", "wrong", ip=address)
        refused += response.status_code == 429
    assert refused > 0  # locked before the 32nd guess
    assert login(Client(), "t_officer", "pw-for-tests", ip="198.51.100.77").status_code == 429
    assert not AuditEvent.objects.filter(action="auth.login").exists()
    # The limit is per account: another account is untouched.
    UserFactory(username="someone_else")
    assert login(Client(), "someone_else", "pw-for-tests", ip="203.0.113.1").status_code == 302


def test_one_address_still_locks_at_its_own_lower_limit(officer, settings):
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        login(Client(), "t_officer", "wrong", ip="203.0.113.50")
    assert login(Client(), "t_officer", "pw-for-tests", ip="203.0.113.50").status_code == 429
    assert login(Client(), "t_officer", "pw-for-tests", ip="203.0.113.51").status_code == 302


@pytest.fixture
def clock(monkeypatch):
    """time.time() under the test's control."""
    now = {"t": time.time()}
    monkeypatch.setattr(time, "time", lambda: now["t"])
    return now


def test_a_session_ends_after_an_idle_spell(client, officer, settings, clock):
    assert login(client, "t_officer", "pw-for-tests").status_code == 302
    assert client.get("/staff/").status_code == 200
    clock["t"] += (settings.YANKAO_SESSION_IDLE_MINUTES - 1) * 60
    assert client.get("/staff/").status_code == 200  # still active: not idle long enough
    clock["t"] += (settings.YANKAO_SESSION_IDLE_MINUTES + 1) * 60
    response = client.get("/staff/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_lasts_a_working_day_even_when_busy(client, officer, settings, clock):
    assert settings.SESSION_COOKIE_AGE <= 9 * 3600
    assert login(client, "t_officer", "pw-for-tests").status_code == 302
    for _step in range(settings.YANKAO_SESSION_HOURS * 2 + 2):
        clock["t"] += 30 * 60  # busy: a page every half hour
        status = client.get("/staff/").status_code
        if status != 200:
            break
    assert status == 302  # signed out once the working day was over


def test_demo_credentials_are_refused_in_production(client, settings, city):
    """A database holding the demo city, served with YANKAO_ENV=production: the demo
    password opens neither the site nor the admin, and demo API tokens are refused."""
    from yankao.core.services.tokens import api_token_create

    user = UserFactory(username="officer", password="demo")  # the factory hashes it
    api_token_create(actor=user, user=user, name="demo token", raw_key="yk_demo_officer")
    settings.YANKAO_PRODUCTION = True
    assert login(client, "officer", "demo").status_code == 200  # the form again: refused
    assert AuditEvent.objects.filter(action="auth.login_failed").exists()
    assert client.post("/admin/login/", {"username": "officer", "password": "demo"}
                       ).status_code == 200
    assert "_auth_user_id" not in client.session
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer yk_demo_officer"
                        ).status_code == 401
    settings.YANKAO_PRODUCTION = False  # the same credentials work in the demo
    assert login(Client(), "officer", "demo").status_code == 302


def test_production_settings_send_hsts_for_a_year_and_cap_sessions():
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("YANKAO_")},
           "YANKAO_ENV": "production", "YANKAO_SECRET_KEY": "s" * 40,
           "YANKAO_ALLOWED_HOSTS": "city.example", "DJANGO_SETTINGS_MODULE": "yankao.settings",
           "YANKAO_VAULT_KEYS": "Y" * 43 + "=",
           "YANKAO_DATA_DIR": os.environ["YANKAO_DATA_DIR"]}
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings as s; print("
         "s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_AGE)"],
        env=env, capture_output=True, text=True, timeout=120, check=True)
    hsts, secure, age = result.stdout.split()
    assert int(hsts) >= 365 * 24 * 3600 and secure == "True" and int(age) <= 9 * 3600
