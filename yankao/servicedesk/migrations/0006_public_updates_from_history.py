"""Public updates for the cases that existed before updates were recorded (from their audit
events, which carry the same steps), and English category names that no longer repeat."""

from django.db import migrations

KINDS = {
    "case.register": "received", "case.assign": "assigned", "case.accept": "opened",
    "case.supplement_request": "supplement", "case.supplement_provide": "supplement_provided",
    "extension.decide": "extended", "case.transfer": "transferred", "case.answer": "answered",
    "case.merge": "merged", "case.file": "filed", "case.close": "closed",
}
OWNERS = {"台電-": "Taipower", "中華-": "Chunghwa Telecom", "欣高-": "Shin Kao Gas",
          "公所-": "district office"}
WITHOUT_TEXT = {"case.register", "case.assign", "case.accept", "case.supplement_provide"}


def forwards(apps, schema_editor):
    AuditEvent = apps.get_model("core", "AuditEvent")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Case = apps.get_model("servicedesk", "Case")
    CaseUpdate = apps.get_model("servicedesk", "CaseUpdate")
    Category = apps.get_model("servicedesk", "Category")
    case_type = ContentType.objects.filter(app_label="servicedesk", model="case").first()
    if case_type is not None:
        events = AuditEvent.objects.filter(object_type=case_type, action__in=list(KINDS)) \
            .order_by("created_at", "id")
        batch = []
        statuses = dict(Case.objects.filter(pk__in=events.values("object_id")).values_list(
            "pk", "status"))
        for event in events.iterator():
            if event.action == "extension.decide" and event.to_state != "approved":
                continue
            if not event.object_id.isdigit() or int(event.object_id) not in statuses:
                continue
            batch.append(CaseUpdate(
                case_id=int(event.object_id), kind=KINDS[event.action],
                status=event.to_state or statuses[int(event.object_id)],
                text="" if event.action in WITHOUT_TEXT else event.reason[:4000],
                created_at=event.created_at))
            if len(batch) >= 2000:
                CaseUpdate.objects.bulk_create(batch)
                batch = []
        CaseUpdate.objects.bulk_create(batch)
    for category in Category.objects.filter(parent__isnull=False):
        owner = next((o for p, o in OWNERS.items() if category.name_zh.startswith(p)), "")
        name = category.name_en
        if category.name_zh.startswith("人孔蓋凹陷坑洞") and not name.isascii():
            name = "Sunken manhole cover" + (" (follow-up)" if "(二)" in category.name_zh
                                             else "")
        if owner and f"({owner})" not in name:
            name = name.replace(" (follow-up)", "") + f" ({owner})" + (
                " (follow-up)" if category.name_zh.endswith("(二)") else "")
        if name != category.name_en:
            Category.objects.filter(pk=category.pk).update(name_en=name)


class Migration(migrations.Migration):
    dependencies = [
        ("servicedesk", "0005_citizen_side"),
        ("core", "0003_notification_headers_and_bounces"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
