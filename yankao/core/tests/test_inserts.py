"""``insert_new`` passes some values on without ``get_db_prep_save`` (``_db_value``): a
value of a plain type (or None) in one of Django's own fields that send such values
unchanged, or, on PostgreSQL, as an integer of the column's size. On the backend the suite
runs on, what it sends is what that call gives, for every such field of every model."""

from django.apps import apps
from django.db import connection

from yankao.core.inserts import _db_value, _insert_fields, _plain

# Edge values of each plain type: empty, non-ASCII, control characters, long; the limits
# of a 64-bit integer.
VALUES = {str: ["", "a", "機車道坑洞", " x\t\n", "\x00\x1f", "%s $1 ' \"", "字" * 5000],
          int: [0, 1, -1, 2**31, -(2**63), 2**63 - 1], bool: [True, False]}

PLAIN = [(model, field, *plain) for model in apps.get_models()
         for field in model._meta.concrete_fields
         if (plain := _plain(field, connection))[0] is not None]


def test_a_plain_value_is_sent_as_get_db_prep_save_gives_it():
    assert len(PLAIN) > 500
    for model, field, kind, wrap in PLAIN:
        for value in [*VALUES[kind], None]:
            prepared = field.get_db_prep_save(value, connection)
            given = _db_value(field, kind, wrap, value, connection)
            assert given == prepared and type(given) is type(prepared), (
                model, field.name, value)


def test_the_intakes_fields_which_are_plain_and_which_are_not():
    case = apps.get_model("servicedesk", "Case")
    kinds = {field.name: kind for model, field, kind, _wrap in PLAIN if model is case}
    assert kinds["description"] is str and kinds["number"] is str
    assert kinds["category"] is int and kinds["confidential"] is bool
    # Fields whose values the database gets in another form are prepared as before.
    for name in ("registered_at", "attributes", "latitude"):
        assert _plain(case._meta.get_field(name), connection) == (None, None)
    assert any(model._meta.label == "core.PersonalContact" for model, *_rest in PLAIN)
    # On PostgreSQL a key is sent as psycopg's integer of the column's size.
    wraps = {wrap for _model, _field, kind, wrap in PLAIN if kind is int}
    assert (wraps != {None}) == (connection.vendor == "postgresql")


def test_the_fields_of_an_insert_with_and_without_its_key():
    case = apps.get_model("servicedesk", "Case")
    keyed, kinds = _insert_fields(case, True, connection.alias)
    unkeyed, _kinds = _insert_fields(case, False, connection.alias)
    assert keyed[0] is case._meta.pk and case._meta.pk not in unkeyed
    assert len(keyed) == len(kinds) == len(unkeyed) + 1
