"""Rules of the code that are cheap to keep now and expensive later (issue #11)."""

import re
from pathlib import Path

import yankao

ROOT = Path(yankao.__file__).parent
CODE = [path for path in ROOT.glob("**/*.py")
        if "tests" not in path.parts and "migrations" not in path.parts]


def _found(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    return [f"{path.relative_to(ROOT)}:{number}"
            for path in CODE
            for number, line in enumerate(path.read_text().splitlines(), start=1)
            if regex.search(line)]


def test_htmx_requests_are_recognised_in_one_place():
    """django-htmx's request.htmx, never a hand-written check of the header."""
    assert _found(r"def is_htmx|HX-Request|headers\.get\(.HX-") == []
VIEW_MODULES = [path for path in CODE
                if path.parent.name in {"views", "api", "open311"}
                or path.name in {"views.py", "router.py"}]


def test_views_and_routers_read_through_selectors():
    """No ORM read starts in a view or a router (a model's manager, ContentType lookups
    included): they call the app's selectors, which apply the actor's scope. A view may
    still order or page what a selector returned."""
    assert len(VIEW_MODULES) > 10
    found = [f"{path.relative_to(ROOT)}:{number}"
             for path in VIEW_MODULES
             for number, line in enumerate(path.read_text().splitlines(), start=1)
             if re.search(r"\b[A-Z]\w*\.objects\b", line)]
    assert found == []


def test_every_app_has_an_access_module_with_its_rules():
    """Who may do what lives in <app>/access.py for each domain app with services."""
    for app in ("servicedesk", "programs", "works"):
        assert (ROOT / app / "access.py").exists(), app
