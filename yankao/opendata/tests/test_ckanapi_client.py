"""The real ckanapi client, unmodified, against a live server: its Python API and its
command line (action, search datasets, dump datasets --all)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ckanapi import NotFound, RemoteCKAN, SearchQueryError, ValidationError

from yankao.opendata.tests.helpers import publish_dataset

CKANAPI = Path(sys.executable).parent / "ckanapi"


@pytest.fixture
def site(transactional_db, live_server, officer, publishers, city):
    for number in range(3):
        publish_dataset(officer, city["pwb-maintenance"], title=f"路燈維護統計第{number + 1}期",
                        keywords=["路燈"])
    publish_dataset(officer, city["pwb-maintenance"], title="路燈電費明細", access="restricted",
                    keywords=["電費"])
    return live_server.url


def run(*args: str) -> str:
    env = {**os.environ, "PATH": f"{CKANAPI.parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(CKANAPI), *args], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_python_api(site):
    with RemoteCKAN(site) as ckan:
        names = ckan.action.package_list()
        assert len(names) == 3
        package = ckan.action.package_show(id=names[0])
        assert package["organization"]["name"] == "pwb-maintenance"
        found = ckan.action.package_search(q="路燈 維護", rows=2, **{"facet.field": ["tags"]})
        assert found["count"] == 3 and len(found["results"]) == 2
        assert found["facets"]["tags"] == {"路燈": 3}
        with pytest.raises(NotFound):
            ckan.action.package_show(id="no-such-dataset")
        with pytest.raises(ValidationError):
            ckan.action.package_show()
        with pytest.raises(SearchQueryError):
            ckan.action.package_search(colour="blue")
        assert ckan.action.status_show()["ckan_version"]


def test_the_python_api_with_get_requests(site):
    with RemoteCKAN(site, get_only=True) as ckan:
        assert ckan.action.package_search(q="电费")["count"] == 0  # restricted: not public
        assert ckan.action.package_search(q="路灯维护")["count"] == 3  # Simplified input


def test_the_command_line(site):
    status = json.loads(run("action", "status_show", "-r", site))
    assert "ckan_version" in status
    shown = json.loads(run("action", "organization_show", "id=pwb-maintenance", "-r", site))
    assert shown["package_count"] == 3
    lines = run("search", "datasets", "q=路燈", "-r", site).splitlines()
    assert len(lines) == 3 and all(json.loads(line)["name"] for line in lines)
    dumped = [json.loads(line) for line in run("dump", "datasets", "--all", "-q", "-r",
                                                site).splitlines()]
    assert sorted(d["title"] for d in dumped) == [f"路燈維護統計第{n}期" for n in (1, 2, 3)]
    assert all(d["resources"][0]["format"] == "CSV" for d in dumped)
