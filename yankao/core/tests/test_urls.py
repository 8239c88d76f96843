"""Every route of the project is reached by its own paths: none is hidden behind a route
listed before it. Django tries the routes in order and takes the first that matches, so
the order of the root URL configuration (yankao/urls.py) is free only as long as this
holds; it puts the machine APIs first (decision 0152)."""

import itertools
import re
import uuid

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.exceptions import NoReverseMatch
from django.urls.resolvers import RoutePattern

# Values tried for a route's parameters until one fits its converter or pattern.
CANDIDATES = ("1", "json", "xml", "KH-007", "abc", "a/b", "core", str(uuid.UUID(int=7)), "")


def _join(prefix: str, route: str) -> str:
    """A route's text from the root, as Django writes it in a match (a regular
    expression's leading ^ dropped after its prefix)."""
    return prefix + (route[1:] if prefix and route.startswith("^") else route)


def _leaves(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    """(namespaced name, the route's text from the root) of every named route."""
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = namespace
            if entry.namespace:
                inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _leaves(entry, _join(prefix, str(entry.pattern)), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, _join(prefix, str(entry.pattern))


def _parameters(route: str) -> list[str]:
    names = re.findall(r"<(?:\w+:)?(\w+)>", route)
    names += re.findall(r"\(\?P<(\w+)>", route)
    return list(dict.fromkeys(names))


def _sample_paths(name: str, route: str):
    """Paths that reverse() makes for the route with some of the candidate values."""
    parameters = _parameters(route)
    made = set()
    for values in itertools.product(CANDIDATES, repeat=len(parameters)):
        kwargs = {key: value for key, value in zip(parameters, values, strict=True) if value}
        try:
            path = reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if not path.startswith("/"):
            path = "/" + path
        made.add(path)
        if len(made) >= 3:
            break
    return made


def test_no_route_is_hidden_by_an_earlier_one():
    checked, hidden, unmade = 0, [], []
    for name, route in _leaves(get_resolver()):
        paths = _sample_paths(name, route)
        if not paths:
            unmade.append(name)
            continue
        for path in paths:
            match = resolve(path)
            checked += 1
            # Two names on one route (an API's GET and POST of one path) are one route.
            if match.route != route:
                # Either an earlier route matches the path, or another route has the name.
                hidden.append(f"{path}, made for {name} ({route}), reaches {match.view_name} "
                              f"({match.route})")
    assert not hidden, "\n".join(hidden)
    # Every named route was reached with some values (a route no candidate fits would
    # go unchecked); the project has several hundred.
    assert not unmade, unmade
    assert checked > 300


def test_the_machine_apis_are_tried_first():
    """Open311, the REST API and SensorThings are called at rate by other systems: their
    routes are the root's first, so a request to them does not try every page's route
    before its own (decision 0152)."""
    first = [str(entry.pattern) for entry in get_resolver().url_patterns[:3]]
    assert first == ["open311/v2/", "api/v1/", "sta/v1.1/"]
    assert all(isinstance(entry.pattern, RoutePattern) and str(entry.pattern)
               for entry in get_resolver().url_patterns[:3])
