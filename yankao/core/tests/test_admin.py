"""The back office: administrators only, every save audited, history from audit events."""

from yankao.core.models import AuditEvent, ClosureDay, Membership, Role


def test_admin_is_for_administrators_only(client, officer, evaluator, administrator):
    for user in (officer, evaluator):
        client.force_login(user)
        assert client.get("/admin/").status_code == 302
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
    for model in ("agency", "membership", "closureday", "user", "auditevent", "apitoken"):
        app = "auth" if model == "user" else "core"
        assert client.get(f"/admin/{app}/{model}/").status_code == 200, model


def test_adding_a_closure_day_is_audited_and_shown_in_its_history(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/core/closureday/add/", {"date": "2024-10-02", "reason": "山陀兒颱風停止上班"}
    )
    assert response.status_code == 302
    day = ClosureDay.objects.get()
    event = AuditEvent.objects.get(action="closureday.create")
    assert event.actor == administrator and event.data["changed"]["reason"] == "山陀兒颱風停止上班"
    history = client.get(f"/admin/core/closureday/{day.pk}/history/").content.decode()
    assert "closureday.create" in history


def test_granting_administrator_through_admin_opens_the_admin(client, administrator, officer, city):
    client.force_login(administrator)
    response = client.post(
        "/admin/core/membership/add/",
        {"user": officer.pk, "agency": city["rdec"].pk, "role": Role.ADMINISTRATOR,
         "active": "on"},
    )
    assert response.status_code == 302
    officer.refresh_from_db()
    assert officer.is_staff
    assert AuditEvent.objects.filter(action="membership.grant", data={}).exists()
    membership = Membership.objects.get(user=officer, role=Role.ADMINISTRATOR)
    response = client.post(f"/admin/core/membership/{membership.pk}/change/", {"active": ""})
    assert response.status_code == 302
    officer.refresh_from_db()
    assert not officer.is_staff
    assert AuditEvent.objects.filter(action="membership.end").exists()


def test_agencies_cannot_be_deleted(client, administrator, city):
    client.force_login(administrator)
    agency = city["pwb-maintenance"]
    assert client.get(f"/admin/core/agency/{agency.pk}/delete/").status_code == 403


def test_audit_events_are_read_only(client, administrator):
    client.force_login(administrator)
    event = AuditEvent.objects.first()
    response = client.post(f"/admin/core/auditevent/{event.pk}/change/", {"reason": "edited"})
    assert response.status_code == 403
    event.refresh_from_db()
    assert event.reason == ""


def test_the_city_is_corrected_through_the_admin_not_added(client, administrator, tmp_path):
    from yankao.core.models import City
    from yankao.core.services.city import city_setup

    (tmp_path / "city.toml").write_text(
        'code = "tainan"\nname_zh = "臺南市"\nname_en = "Tainan"\ngovernment_zh = "臺南市政府"\n',
        encoding="utf-8")
    (tmp_path / "agencies.csv").write_text(
        "code,parent_code,kind,name_zh,name_en,short_name_zh\n"
        "rdec,,first_level,臺南市政府研究發展考核委員會,RDEC,研考會\n", encoding="utf-8")
    (tmp_path / "districts.csv").write_text(
        "code,name_zh,name_en,office_code,latitude,longitude\n", encoding="utf-8")
    city_setup(actor=None, folder=tmp_path)
    city = City.objects.get()
    client.force_login(administrator)
    assert client.get("/admin/core/city/add/").status_code == 403
    page = client.get(f"/admin/core/city/{city.pk}/change/")
    assert page.status_code == 200 and "臺南市政府" in page.content.decode()
    response = client.post(f"/admin/core/city/{city.pk}/change/", {
        "name_zh": "臺南市", "name_en": "Tainan City", "government_zh": "臺南市政府"})
    assert response.status_code == 302
    city.refresh_from_db()
    assert (city.name_en, city.code, city.demo) == ("Tainan City", "tainan", False)
    event = AuditEvent.objects.get(action="city.update")
    assert event.actor == administrator and event.data == {"changed": {"name_en": "Tainan City"}}
    assert client.get(f"/admin/core/city/{city.pk}/delete/").status_code == 403
