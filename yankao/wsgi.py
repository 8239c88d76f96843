"""WSGI entry point, served by granian (``yankao serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")

application = get_wsgi_application()

from yankao.core.runtime import settle_heap  # noqa: E402 - needs the configured apps

settle_heap()
