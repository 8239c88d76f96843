"""Prepare and run the test provider: ``python -m yankao.sso.tests.provider.serve``.

Environment: PROVIDER_PORT, PROVIDER_DATABASE, PROVIDER_SECRET_KEY, PROVIDER_RSA_KEY,
PROVIDER_CLIENT_ID, PROVIDER_CLIENT_SECRET, PROVIDER_REDIRECT_URI, PROVIDER_USERS (JSON
{username: [password, first, last, email]}), PROVIDER_ROLES (JSON {username: [roles]}).
"""

import json
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "yankao.sso.tests.provider.settings"

import django

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import run  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402


def main() -> None:
    call_command("migrate", verbosity=0, interactive=False)
    for username, (password, first, last, email) in json.loads(
            os.environ["PROVIDER_USERS"]).items():
        user = User.objects.create_user(username=username, password=password,
                                        first_name=first, last_name=last, email=email)
        user.save()
    Application.objects.create(
        name="Yankao", client_id=os.environ["PROVIDER_CLIENT_ID"],
        client_secret=os.environ["PROVIDER_CLIENT_SECRET"], hash_client_secret=True,
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["PROVIDER_REDIRECT_URI"], algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    print("provider ready", flush=True)
    run("127.0.0.1", int(os.environ["PROVIDER_PORT"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
