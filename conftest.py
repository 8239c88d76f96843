"""Fixtures shared by every app's tests."""

import pytest

pytest_plugins = ["yankao.testing.browser", "yankao.testing.fixtures"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Each test stores uploads in its own folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_policy_tree():
    """Each test's database is rolled back, which no production database is: the service
    desk's policy tree (kept per process) is dropped between tests."""
    from yankao.servicedesk.services.policy import policy_forget

    policy_forget()


@pytest.fixture
def demo_city(transactional_db):
    """The demo city at a tiny scale, for browser tests against the live server."""
    import io

    from yankao.core.demo import demo_build

    demo_build(scale=0.001, out=io.StringIO(), show_progress=False)
