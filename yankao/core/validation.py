"""The one way a service validates a record before saving it.

:func:`full_clean` cleans the record's text, runs Django's ``full_clean`` and turns its
``ValidationError`` into one :class:`~yankao.core.errors.DomainError` naming the first
field, which every protocol already maps to its own error format (a form error, problem
JSON, Open311 ``errors``). A service never calls ``Model.full_clean`` itself
(``core/tests/test_validation.py`` checks).

Text is cleaned of control characters: a vertical tab or form feed (Word's manual line
break, pasted from a document) becomes a line break; other C0 controls, DEL, unpaired
surrogates and the non-characters U+FFFE/U+FFFF are dropped. None of them is meaningful in
a record, and each breaks an output: XML 1.0 (Open311, DOCX) cannot hold them at all and
XLSX refuses them (issue #11, finding 2).
"""

from __future__ import annotations

import re
from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

from yankao.core.errors import DomainError, ErrorCode

LINE_BREAKS = re.compile("[\x0b\x0c]")
CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# What XML 1.0 cannot contain at all (its Char production), for writers of XML documents.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean_text(value: str) -> str:
    """``value`` without control characters (see the module's description)."""
    if not CONTROL.search(value) and not LINE_BREAKS.search(value):
        return value
    return CONTROL.sub("", LINE_BREAKS.sub("\n", value))


def xml_text(value: str) -> str:
    """``value`` with what XML 1.0 forbids removed: the last guard of an XML writer, for text
    that reached the database some other way (an import, an older version)."""
    return NOT_XML.sub("", value) if NOT_XML.search(value) else value


TEXT_FIELDS = (models.CharField, models.TextField)


def full_clean(instance: models.Model, *, exclude: list[str] | None = None,
               fields: frozenset[str] | None = None, validate_unique: bool = True,
               validate_constraints: bool = True) -> models.Model:
    """Clean the text fields of ``instance``, validate it, and return it. With ``fields``,
    only these fields are cleaned and validated: a service that sets every other field
    itself (never from input) names the fields that come from input.

    Raises ``DomainError(INVALID, message, field=name)`` on the first invalid field.
    """
    if fields is not None:
        exclude = [*(exclude or ()), *_other_fields(type(instance), fields)]
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if isinstance(field, TEXT_FIELDS) and not field.choices:
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, clean_text(value))
    try:
        instance.full_clean(exclude=exclude, validate_unique=validate_unique,
                            validate_constraints=validate_constraints)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            name, errors = next(iter(error.error_dict.items()))
            message = " ".join(str(text) for item in errors for text in item.messages)
            raise DomainError(ErrorCode.INVALID, message,
                              field=None if name == "__all__" else name) from None
        raise DomainError(ErrorCode.INVALID, " ".join(error.messages)) from None
    return instance


@cache
def _other_fields(model: type[models.Model], fields: frozenset[str]) -> tuple[str, ...]:
    unknown = fields - {field.name for field in model._meta.concrete_fields}
    if unknown:
        raise ValueError(f"{model._meta.label} has no field {', '.join(sorted(unknown))}")
    return tuple(field.name for field in model._meta.concrete_fields
                 if field.name not in fields)
