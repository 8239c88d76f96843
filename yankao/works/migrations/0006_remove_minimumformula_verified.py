"""The "checked against the official text" flag existed only while the text of §4 was
missing (decision 0304)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("works", "0005_minimum_versions_data")]

    operations = [
        migrations.RemoveField(model_name="minimumformula", name="verified"),
    ]
