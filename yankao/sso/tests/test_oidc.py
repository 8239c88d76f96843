"""Single sign-on end to end against a real OpenID Connect provider: django-oauth-toolkit
in its own small Django project (tests/provider), started here as a separate process on
127.0.0.1, signing ID tokens with RS256 and requiring PKCE. A real HTTP client walks the
whole flow against the live server; nothing is mocked."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from yankao.core.models import AuditEvent, Membership
from yankao.sso.models import Identity

ROOT = Path(__file__).resolve().parents[3]
PORTS = range(18450, 18500)  # this branch's port range
CLIENT_ID, CLIENT_SECRET = "yankao-test", "s3cret-" + "x" * 20
USERS = {"mei": ["provider-pw", "美玲", "王", "mei@city.example"]}
ROLES = {"mei": ["pwb-maintenance:officer", "nowhere:officer", "rdec:emperor"]}


def rsa_pem() -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption()).decode()
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public.decode()


def free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18450–18499")


@pytest.fixture
def provider(live_server, tmp_path):
    port = free_port()
    private, _public = rsa_pem()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PROVIDER_PORT": str(port),
           "PROVIDER_DATABASE": str(tmp_path / "provider.sqlite3"),
           "PROVIDER_SECRET_KEY": secrets.token_urlsafe(40), "PROVIDER_RSA_KEY": private,
           "PROVIDER_CLIENT_ID": CLIENT_ID, "PROVIDER_CLIENT_SECRET": CLIENT_SECRET,
           "PROVIDER_REDIRECT_URI": f"{live_server.url}/accounts/sso/callback/",
           "PROVIDER_USERS": json.dumps(USERS), "PROVIDER_ROLES": json.dumps(ROLES)}
    for name in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL"):
        env.pop(name, None)
    process = subprocess.Popen([sys.executable, "-m", "yankao.sso.tests.provider.serve"],
                               env=env, cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the provider stopped: {process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                break
        except OSError:
            time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("the provider did not start")
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def sso(settings, provider, city):
    settings.YANKAO_OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.YANKAO_OIDC_ISSUER = f"{provider}/o"
    return settings


def sign_in_at_provider(session: requests.Session, live_server) -> requests.Response:
    """From Yankao's sign-in button to wherever the flow ends."""
    login_page = session.get(f"{live_server.url}/accounts/sso/", timeout=30)
    assert "/accounts/login/" in login_page.url  # the provider asks who we are
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    next_url = re.search(r'name="next" value="([^"]+)"', login_page.text).group(1)
    return session.post(login_page.url.split("?")[0],
                        data={"csrfmiddlewaretoken": token, "username": "mei",
                              "password": USERS["mei"][0], "next": next_url.replace("&amp;", "&")},
                        timeout=30)


def test_staff_sign_in_end_to_end(transactional_db, sso, live_server):
    browser = requests.Session()
    landed = sign_in_at_provider(browser, live_server)
    assert landed.status_code == 200 and landed.url == f"{live_server.url}/staff/"
    assert "王美玲" in landed.text
    # The authorization request carried PKCE (S256) and asked for an RS256-signed token.
    first_hop = landed.history[0].headers.get("Location", "") if landed.history else ""
    assert "code_challenge_method=S256" in first_hop or any(
        "code_challenge_method=S256" in r.headers.get("Location", "") for r in landed.history)
    identity = Identity.objects.get()
    assert identity.user.email == "mei@city.example"
    roles = set(Membership.objects.filter(user=identity.user, active=True)
                .values_list("agency__code", "role"))
    assert roles == {("pwb-maintenance", "officer")}
    assert AuditEvent.objects.filter(action="sso.claim_ignored").count() == 2
    assert AuditEvent.objects.filter(action="sso.login", actor=identity.user).count() == 1
    # A second sign-in finds the same account; the session lives in the database, so any
    # application server holding the cookie serves this user.
    again = requests.Session()
    assert sign_in_at_provider(again, live_server).url == f"{live_server.url}/staff/"
    assert Identity.objects.count() == 1
    from django.contrib.sessions.models import Session

    keys = [c.value for c in browser.cookies if c.name == "sessionid" and "localhost" in c.domain]
    assert Session.objects.filter(session_key__in=keys).exists()


def test_a_wrong_state_is_refused_with_a_page_not_a_500(transactional_db, sso, live_server):
    browser = requests.Session()
    browser.get(f"{live_server.url}/accounts/sso/", allow_redirects=False, timeout=30)
    response = browser.get(f"{live_server.url}/accounts/sso/callback/",
                           params={"code": "stolen", "state": "forged"}, timeout=30)
    assert response.status_code == 400 and "sso" in response.text
    assert AuditEvent.objects.filter(action="sso.failed").exists()
    assert Identity.objects.count() == 0
    stranger = requests.get(f"{live_server.url}/accounts/sso/callback/",
                            params={"code": "x", "state": "y"}, timeout=30)
    assert stranger.status_code == 400


def test_a_token_not_signed_by_the_trusted_key_is_refused(transactional_db, sso,
                                                          live_server):
    _private, other_public = rsa_pem()
    sso.OIDC_RP_IDP_SIGN_KEY = other_public  # trust another key: the token is "forged"
    response = sign_in_at_provider(requests.Session(), live_server)
    assert response.status_code == 400 and response.url.startswith(live_server.url)
    assert Identity.objects.count() == 0
    failure = AuditEvent.objects.get(action="sso.failed")
    assert "rejected" in failure.reason


def test_a_failed_token_exchange_shows_an_error_page(transactional_db, sso, live_server):
    sso.OIDC_RP_CLIENT_SECRET = "not-the-secret"
    response = sign_in_at_provider(requests.Session(), live_server)
    assert response.status_code == 502
    assert Identity.objects.count() == 0
    assert "token exchange failed" in AuditEvent.objects.get(action="sso.failed").reason


def test_sign_in_is_404_when_no_provider_is_configured(client, db):
    assert client.get("/accounts/sso/").status_code == 404
    assert 'id="sso"' not in client.get("/accounts/login/").content.decode()
