"""/api/v1's OpenAPI document as a contract: every number a client may send is bounded,
every schema name means one thing. Operations of apps added later are covered too."""

import pytest

from yankao.api import api


@pytest.fixture(scope="module")
def schema():
    return api.get_openapi_schema()


def _resolve(schema, node):
    while isinstance(node, dict) and "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


def _integers(schema, node, path, seen=()):
    """(path, node) of every integer in a JSON Schema node (through refs, anyOf, arrays)."""
    node = _resolve(schema, node)
    if not isinstance(node, dict) or id(node) in seen:
        return
    seen = (*seen, id(node))
    if node.get("type") == "integer":
        yield path, node
    for key in ("anyOf", "oneOf", "allOf"):
        for index, child in enumerate(node.get(key, [])):
            yield from _integers(schema, child, f"{path}[{key}{index}]", seen)
    if "items" in node:
        yield from _integers(schema, node["items"], f"{path}[]", seen)
    for name, child in node.get("properties", {}).items():
        yield from _integers(schema, child, f"{path}.{name}", seen)


def _inputs(schema):
    for url, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                yield (f"{method.upper()} {url} {parameter['in']} {parameter['name']}",
                       parameter.get("schema", {}))
            body = operation.get("requestBody", {}).get("content", {})
            for media, content in body.items():
                yield f"{method.upper()} {url} body ({media})", content.get("schema", {})


def test_every_integer_a_client_sends_has_both_bounds(schema):
    unbounded = [
        f"{where}{path}"
        for where, node in _inputs(schema)
        for path, integer in _integers(schema, node, "")
        if not ({"minimum", "exclusiveMinimum"} & integer.keys()
                and {"maximum", "exclusiveMaximum"} & integer.keys())
    ]
    assert unbounded == [], "use yankao.core.api.params (Year, Month, Count, Amount…)"


def test_every_list_is_paginated_with_a_capped_limit(schema):
    for url, methods in schema["paths"].items():
        for method, operation in methods.items():
            for parameter in operation.get("parameters", []):
                if parameter["name"] == "limit" and parameter["in"] == "query":
                    assert parameter["schema"].get("maximum", 10**9) <= 500, (method, url)


def _schema_classes():
    from ninja import Schema

    found, stack = [], list(Schema.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("yankao."):
            found.append(cls)
    return found


def test_no_two_schemas_share_a_name(schema):
    """OpenAPI names a component by its class name: two classes of one name would document
    one of them under the other's fields (issue #11, finding 8)."""
    by_name: dict[str, set[str]] = {}
    for cls in _schema_classes():
        by_name.setdefault(cls.__name__, set()).add(f"{cls.__module__}.{cls.__qualname__}")
    shared = {name: places for name, places in by_name.items() if len(places) > 1}
    assert shared == {}
