"""The default works policy (yankao/works/policy_defaults.py), loaded once."""

from django.db import migrations


def load(apps, schema_editor):
    # The policy only: the texts of §4 come with migration 0005, whose fields this state
    # does not have yet.
    from yankao.works.policy_defaults import load_policy

    load_policy(apps.get_model)


def unload(apps, schema_editor):
    for name in ("MinimumFormulaBand", "MinimumFormula", "ConsequenceTemplate",
                 "DeductionRate", "DefectCode", "GradeBand", "WorksPolicy"):
        apps.get_model("works", name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("works", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
