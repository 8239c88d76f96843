"""The back office of the service desk: import mappings saved through their service."""

import pytest

from yankao.core.models import AuditEvent
from yankao.servicedesk.models import ImportMapping

pytestmark = pytest.mark.django_db


def test_an_import_mapping_is_set_and_changed_in_the_admin(client, people, catalogue, city):
    client.force_login(people["admin"])
    assert client.get("/admin/servicedesk/importmapping/").status_code == 200
    assert client.get("/admin/servicedesk/importmapping/add/").status_code == 200
    lights = catalogue["KH-001"]
    response = client.post("/admin/servicedesk/importmapping/add/", {
        "source": "open1999", "column": "category", "value": "路燈不亮(舊)",
        "category": lights.pk, "agency": ""})
    assert response.status_code == 302
    mapping = ImportMapping.objects.get()
    assert (mapping.category, mapping.agency) == (lights, None)
    event = AuditEvent.objects.get(action="import_mapping.set")
    assert (event.actor, event.from_state, event.to_state) == (people["admin"], "", "KH-001")

    response = client.post(f"/admin/servicedesk/importmapping/{mapping.pk}/change/", {
        "source": "open1999", "column": "category", "value": "路燈不亮(舊)",
        "category": catalogue["KH-002"].pk, "agency": ""})
    assert response.status_code == 302
    changed = AuditEvent.objects.filter(action="import_mapping.set").latest("id")
    assert (changed.from_state, changed.to_state) == ("KH-001", "KH-002")


def test_a_mapping_to_the_wrong_kind_of_target_is_refused_in_words(client, people, catalogue,
                                                                    city):
    client.force_login(people["admin"])
    response = client.post("/admin/servicedesk/importmapping/add/", {
        "source": "taipei", "column": "agency", "value": "捷運公司",
        "category": catalogue["KH-001"].pk, "agency": ""})
    assert response.status_code == 200  # the form again, with the reasons
    errors = response.context["adminform"].form.errors
    # The back office speaks the default language, Traditional Chinese.
    assert errors["agency"] == ["請選擇這個單位名稱所指的機關。"]
    assert errors["category"] == ["單位的值應對應到機關，而不是類別。"]
    main = next(c for c in catalogue.values() if c.parent_id is None)
    response = client.post("/admin/servicedesk/importmapping/add/", {
        "source": "open1999", "column": "category", "value": "x", "category": main.pk,
        "agency": ""})
    assert response.context["adminform"].form.errors["category"] == [
        "請選擇次類別：案件都歸在次類別之下。"]
    assert not ImportMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="import_mapping.set").exists()


def test_only_administrators_see_the_mappings(client, people):
    client.force_login(people["officer"])
    assert client.get("/admin/servicedesk/importmapping/").status_code == 302
