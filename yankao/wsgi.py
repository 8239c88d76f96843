"""WSGI entry point, served by granian (``yankao serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yankao.settings")

application = get_wsgi_application()
