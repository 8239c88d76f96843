"""Loaded by pytest (``-p yankao.testing.pytest_env``) before Django reads its settings:
tests run with YANKAO_ENV=test in a throw-away data folder unless one is given."""

import os
import tempfile

os.environ.setdefault("YANKAO_ENV", "test")
os.environ.setdefault("YANKAO_DATA_DIR", tempfile.mkdtemp(prefix="yankao-test-"))
# Playwright's sync API runs an event loop in the test thread; Django's ORM must still be
# usable there (pytest-django's live_server serves from another thread).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
