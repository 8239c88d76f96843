"""The default works policy (yankao/works/policy_defaults.py), loaded once."""

from django.db import migrations


def load(apps, schema_editor):
    from yankao.works.policy_defaults import load_defaults

    load_defaults(apps.get_model)


def unload(apps, schema_editor):
    for name in ("MinimumFormulaBand", "MinimumFormula", "ConsequenceTemplate",
                 "DeductionRate", "DefectCode", "GradeBand", "WorksPolicy"):
        apps.get_model("works", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
