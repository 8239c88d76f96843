"""Project-wide checks: migrations match the models; translations are complete."""

import io
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

import yankao

CATALOGUES = sorted(Path(yankao.__file__).parent.glob("*/locale/zh_Hant/LC_MESSAGES/django.po"))


@pytest.mark.django_db
def test_no_missing_migrations():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exit_:
        pytest.fail(f"models and migrations differ:\n{out.getvalue()} ({exit_})")


def test_every_app_has_a_catalogue():
    apps_with_code = {p.parent.name for p in Path(yankao.__file__).parent.glob("*/apps.py")}
    assert apps_with_code == {p.parents[3].name for p in CATALOGUES}


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_every_string_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
                for e in mo}
    for entry in po.translated_entries():
        key = (entry.msgctxt, entry.msgid)
        assert key in compiled, f"not compiled: {entry.msgid!r} (run compilemessages)"
        assert compiled[key] == (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))), (
            f"stale .mo for {entry.msgid!r} (run compilemessages)"
        )


def test_a_message_has_one_translation_across_apps():
    """Django merges the apps' catalogues into one: the same msgid must read the same in
    every app, or one app's wording silently replaces another's. Where meanings differ,
    use different msgids or a context (pgettext)."""
    translations: dict[tuple, dict[str, str]] = {}
    for path in CATALOGUES:
        app = path.parents[3].name
        for entry in polib.pofile(str(path)).translated_entries():
            value = entry.msgstr or repr(sorted(entry.msgstr_plural.items()))
            translations.setdefault((entry.msgctxt, entry.msgid), {})[app] = value
    conflicts = {key[1]: apps for key, apps in translations.items()
                 if len(set(apps.values())) > 1}
    assert not conflicts, conflicts
