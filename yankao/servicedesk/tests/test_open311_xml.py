"""The Open311 XML writer writes text directly; the same documents built as an ElementTree
and serialised by the standard library are its oracle: byte for byte, whatever the data,
and always well-formed."""

from __future__ import annotations

import datetime as dt
from typing import Any
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET
from hypothesis import given, settings
from hypothesis import strategies as st

from yankao.core.validation import xml_text
from yankao.servicedesk.open311.render import ITEM_NAMES, XML_NAME, _text, to_xml


def _append(parent: ET.Element, name: str, value: Any, item_names: dict[str, str]) -> None:
    if XML_NAME.match(name) and not name.lower().startswith("xml"):
        element = ET.SubElement(parent, name)
    else:
        element = ET.SubElement(parent, "attribute", {"code": xml_text(name)})
    if isinstance(value, list):
        child_name = item_names.get(name, name.rstrip("s"))
        for item in value:
            _append(element, child_name, item, item_names)
    elif isinstance(value, dict):
        for key, child in value.items():
            _append(element, key, child, item_names)
    else:
        element.text = _text(value)


def tree_xml(root: str, value: Any, item_names: dict[str, str]) -> bytes:
    """The writer as it was: an ElementTree, serialised by the standard library."""
    element = ET.Element(root)
    if isinstance(value, list):
        for item in value:
            _append(element, item_names[root], item, item_names)
    else:
        for key, child in value.items():
            _append(element, key, child, item_names)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


# Names as documents have them (fields, list names whose items take ITEM_NAMES or lose
# their "s") and as data brings them (an attribute's code: anything).
names = st.one_of(st.sampled_from(["service_request_id", "description", "notes", "values",
                                   "attributes", "media_url", "xmlish", "lat", "items"]),
                  st.text(max_size=12))
texts = st.text(max_size=40)  # every code point: control characters, & < > " \r \n \t
leaves = st.one_of(st.none(), st.booleans(), st.integers(), texts,
                   st.floats(allow_nan=False, allow_infinity=False),
                   st.datetimes(min_value=dt.datetime(1900, 1, 1),  # noqa: DTZ001 - naive bound
                                timezones=st.just(dt.timezone(dt.timedelta(hours=8)))))
values = st.recursive(leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=4)), max_leaves=20)
documents = st.one_of(
    st.tuples(st.just("service_requests"), st.lists(st.dictionaries(names, values,
                                                                    max_size=6), max_size=4)),
    st.tuples(st.just("errors"), st.lists(st.fixed_dictionaries(
        {"code": st.integers(400, 599), "description": texts}), max_size=3)),
    st.tuples(st.just("service_definition"), st.dictionaries(names, values, max_size=6)))


@settings(max_examples=300, deadline=None, derandomize=True)
@given(document=documents)
def test_the_direct_writer_equals_the_tree_and_parses(document):
    root, value = document
    written = to_xml(root, value, ITEM_NAMES)
    assert written == tree_xml(root, value, ITEM_NAMES)
    assert SafeET.fromstring(written).tag == root


def test_text_and_attribute_escapes():
    written = to_xml("service_requests", [{"description": 'a & b < c > "d"\r\n\te\x01',
                                           "bad name": "x", "empty": "", "none": None,
                                           "list": []}], ITEM_NAMES).decode()
    assert written.endswith(
        '<service_requests><request><description>a &amp; b &lt; c &gt; "d"\r\n\te'
        '</description><attribute code="bad name">x</attribute><empty /><none />'
        '<list /></request></service_requests>')
    assert SafeET.fromstring(written.encode()).find("request/description").text == \
        'a & b < c > "d"\n\te'
