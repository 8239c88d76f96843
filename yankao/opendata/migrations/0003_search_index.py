"""The full-text index of each database: a GIN index on the tsvector (PostgreSQL), an FTS5
table keyed by the search document's id (SQLite). See yankao/opendata/search.py."""

from django.db import migrations

FTS = "opendata_search_fts"


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX opendata_sd_vector ON opendata_searchdocument USING gin (vector)")
    elif vendor == "sqlite":
        schema_editor.execute(
            f"CREATE VIRTUAL TABLE {FTS} USING fts5(title, body, "
            "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-_.'\")")


def drop(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS opendata_sd_vector")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TABLE IF EXISTS {FTS}")


class Migration(migrations.Migration):
    dependencies = [("opendata", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop)]
