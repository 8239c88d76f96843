"""One full_clean wrapper: clean text, Django's validation, one DomainError."""

import re
from pathlib import Path

import pytest

import yankao
from yankao.core.errors import DomainError, ErrorCode
from yankao.core.models import ClosureDay, PersonalContact
from yankao.core.validation import clean_text, full_clean, xml_text


def test_control_characters_are_dropped_and_word_line_breaks_kept():
    assert clean_text("a\x0bb\x1bc") == "a\nbc"
    assert clean_text("\x00\x01x\x1f\x7f") == "x"
    assert clean_text("行一\n行二\t欄\r\n") == "行一\n行二\t欄\r\n"
    assert clean_text("\ud800x\ufffe") == "x"
    assert xml_text("a\x0bb\x1bc\x7f") == "abc\x7f"  # DEL is legal XML


def test_full_clean_cleans_text_and_names_the_first_bad_field(db):
    contact = PersonalContact(name="王\x1b小明", email="not-an-email")
    with pytest.raises(DomainError) as error:
        full_clean(contact)
    assert error.value.code == ErrorCode.INVALID and error.value.field == "email"
    assert contact.name == "王小明"
    day = ClosureDay(date="2024-10-02", reason="颱風\x0b停班")
    assert full_clean(day) is day and day.reason == "颱風\n停班"


def test_full_clean_of_named_fields_leaves_the_others_alone(db):
    contact = PersonalContact(name="王\x1b小明", phone="\x1b" + "9" * 50, email="not-an-email")
    with pytest.raises(DomainError) as error:
        full_clean(contact, fields=frozenset({"name", "phone"}))
    assert error.value.field == "phone"  # too long; the e-mail was not looked at
    contact.phone = "07-1234567"
    assert full_clean(contact, fields=frozenset({"name", "phone"})) is contact
    assert contact.name == "王小明" and contact.phone == "07-1234567"
    with pytest.raises(ValueError, match="no field nmae"):
        full_clean(contact, fields=frozenset({"nmae"}))


SERVICE_FILES = [path for path in Path(yankao.__file__).parent.glob("*/**/*.py")
                 if "tests" not in path.parts and "migrations" not in path.parts
                 and path.name != "validation.py"]


def test_no_code_calls_model_full_clean_but_the_wrapper():
    direct = [f"{path.relative_to(path.parents[2])}:{number}"
              for path in SERVICE_FILES
              for number, line in enumerate(path.read_text().splitlines(), start=1)
              if re.search(r"\.full_clean\(", line)]
    assert direct == [], "use yankao.core.validation.full_clean"
