"""The OCDS 1.1 export validates against the vendored schemas, offline."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

from yankao.core.calendar import TAIPEI
from yankao.works.services.tenders import progress_submit
from yankao.works.tests.factories import make_tender

SCHEMAS = Path(__file__).parent / "ocds"
RELEASE = json.loads((SCHEMAS / "release-schema.json").read_text(encoding="utf-8"))
PACKAGE = json.loads((SCHEMAS / "release-package-schema.json").read_text(encoding="utf-8"))


def no_network(uri: str):
    raise NoSuchResource(ref=uri)


REGISTRY = Registry(retrieve=no_network).with_resources([
    (RELEASE["id"], Resource.from_contents(RELEASE)),
    (PACKAGE["id"], Resource.from_contents(PACKAGE)),
])

CHECKER = FormatChecker()


@CHECKER.checks("date-time", raises=ValueError)
def is_date_time(value) -> bool:
    if not isinstance(value, str):
        return True
    parsed = dt.datetime.fromisoformat(value)
    return parsed.tzinfo is not None


def validate(package: dict) -> None:
    validator = Draft4Validator(PACKAGE, registry=REGISTRY, format_checker=CHECKER)
    errors = sorted(validator.iter_errors(package), key=lambda error: list(error.path))
    assert not errors, [f"{list(error.path)}: {error.message}" for error in errors[:5]]


def test_every_ref_of_the_vendored_schemas_resolves_locally():
    def refs(node):
        if isinstance(node, dict):
            if "$ref" in node:
                yield node["$ref"]
            for value in node.values():
                yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    resolver = REGISTRY.resolver()
    for schema in (RELEASE, PACKAGE):
        base = REGISTRY.resolver(base_uri=schema["id"])
        for ref in set(refs(schema)):
            assert base.lookup(ref).contents is not None, ref
    with pytest.raises(Exception):  # noqa: B017 - any refusal: nothing is fetched
        resolver.lookup("https://standard.open-contracting.org/schema/1__1__4/release-schema.json")


def test_the_validator_catches_bad_packages():
    with pytest.raises(AssertionError):
        validate({"uri": "x", "version": "1.1", "publishedDate": "yesterday",
                  "publisher": {"name": "p"}, "releases": [{"ocid": "o"}]})


@pytest.fixture
def reported(city, officer):
    tender = make_tender(city["pwb-maintenance"])
    for month, actual, spent in ((1, "5", 600_000), (2, "10", 1_300_000), (3, "20", 2_400_000)):
        progress_submit(actor=officer, tender=tender, month=dt.date(2018, month, 1),
                        actual_percent=Decimal(actual), amount_spent=spent,
                        delay_reason="雨天" if month == 2 else "",
                        submitted_at=dt.datetime(2018, month + 1, 3, 9, tzinfo=TAIPEI))
    return tender


def test_tender_releases_validate_and_carry_monthly_implementation(client, reported):
    response = client.get(f"/works/ocds/tenders/{reported.pcc_number}.json")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    package = response.json()
    validate(package)
    assert package["version"] == "1.1"
    assert package["extensions"][0].endswith("ocds_metrics_extension/master/extension.json")
    award, *months = package["releases"]
    assert award["tag"] == ["tender", "award", "contract"]
    assert award["contracts"][0]["value"] == {"amount": 12_000_000, "currency": "TWD"}
    assert [release["tag"] for release in months] == [["implementation"]] * 3
    assert len({release["id"] for release in package["releases"]}) == 4
    february = months[1]["contracts"][0]["implementation"]
    assert february["milestones"][0]["status"] == "notMet"
    assert "雨天" in february["milestones"][0]["description"]
    assert february["transactions"][0]["value"] == {"amount": 700_000, "currency": "TWD"}
    actual = next(observation for observation in february["metrics"][0]["observations"]
              if observation["dimensions"]["series"] == "actual")
    assert actual["measure"] == "10.00"
    assert months[2]["contracts"][0]["implementation"]["milestones"][0]["status"] == "met"


def test_the_year_package_validates_pages_and_holds_no_personal_data(client, reported, city):
    for index in range(3):
        make_tender(city["water-resources"], number=f"1070401-{index:02d}")
    package = client.get("/works/ocds/2018.json").json()
    validate(package)
    assert len({release["ocid"] for release in package["releases"]}) == 4
    assert client.get("/works/ocds/2017.json").json()["releases"] == []
    assert client.get("/works/ocds/1999.json").status_code == 404
    assert client.get("/works/ocds/tenders/NOPE.json").status_code == 404

