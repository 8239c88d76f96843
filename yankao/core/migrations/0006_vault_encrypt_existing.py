"""Encrypt the contacts written before the vault was encrypted (0003 changed the columns).

Raw SQL on purpose: the model's field would try to decrypt the plain text it reads."""

from django.db import migrations

FIELDS = ("name", "phone", "email", "address")


def _convert(schema_editor, change) -> None:
    connection = schema_editor.connection
    table = connection.ops.quote_name("core_personalcontact")
    columns = ", ".join(connection.ops.quote_name(name) for name in FIELDS)
    assignments = ", ".join(f"{connection.ops.quote_name(name)} = %s" for name in FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {columns} FROM {table}")  # noqa: S608 - fixed names
        rows = cursor.fetchall()
        for row_id, *values in rows:
            new = [change(value or "") for value in values]
            if new != [value or "" for value in values]:
                cursor.execute(f"UPDATE {table} SET {assignments} WHERE id = %s",  # noqa: S608
                               [*new, row_id])


def encrypt(apps, schema_editor):
    from yankao.core.crypto import is_sealed, seal

    _convert(schema_editor, lambda value: value if is_sealed(value) else seal(value))


def decrypt(apps, schema_editor):
    from yankao.core.crypto import is_sealed, unseal

    _convert(schema_editor, lambda value: unseal(value) if is_sealed(value) else value)


class Migration(migrations.Migration):

    dependencies = [("core", "0005_vault_encrypted")]

    operations = [migrations.RunPython(encrypt, decrypt, elidable=False)]
