"""Service categories, licences and the default answer deadline (yankao/opendata/reference.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from yankao.opendata.reference import load_reference

    load_reference(apps.get_model)


def unload(apps, schema_editor):
    for name in ("RequestPolicy", "Licence", "ServiceCategory"):
        apps.get_model("opendata", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_catalogue")]

    operations = [migrations.RunPython(load, unload)]
