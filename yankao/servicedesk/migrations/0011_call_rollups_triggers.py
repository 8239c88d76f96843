from django.db import migrations

from yankao.servicedesk.services.rollups import (
    call_rollups_build_for_migration,
    call_rollups_drop_for_migration,
)


class Migration(migrations.Migration):
    """The calls' trigger, then the rollup of the calls already there (decision 0120). Apart
    from 0010: PostgreSQL's schema editor creates 0010's unique key at the end of that
    migration, and the rollup's upserts need it."""

    dependencies = [
        ("servicedesk", "0010_call_rollups"),
    ]

    operations = [
        migrations.RunPython(call_rollups_build_for_migration, call_rollups_drop_for_migration),
    ]
