"""Reference data: the default control policy, grade scales, score components and the
categories of the reference report (yankao/programs/reference.py)."""

from django.db import migrations


def forwards(apps, schema_editor):
    from yankao.programs.reference import ensure_reference_data

    ensure_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
