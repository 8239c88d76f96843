"""The three texts of 工程施工查核小組作業辦法 §4 replace the assumed formulas; the 丙等
checklist takes the wording of §10. Decision 0304."""

from django.db import migrations


def forward(apps, schema_editor):
    from yankao.works.policy_defaults import (
        CONSEQUENCES,
        OLD_CONSEQUENCES,
        load_minimum_versions,
    )

    MinimumFormula = apps.get_model("works", "MinimumFormula")
    ConsequenceTemplate = apps.get_model("works", "ConsequenceTemplate")
    WorksPolicy = apps.get_model("works", "WorksPolicy")
    # The formulas shipped without the text were assumptions, never the law.
    MinimumFormula.objects.filter(verified=False).delete()
    load_minimum_versions(apps.get_model)
    if WorksPolicy.objects.exists():
        retired = 0
        for code, text in OLD_CONSEQUENCES.items():
            retired += ConsequenceTemplate.objects.filter(code=code, text_zh=text).update(
                active=False)
        if retired:
            last = max([0, *ConsequenceTemplate.objects.values_list("sort_order", flat=True)])
            for order, (code, zh, en) in enumerate(CONSEQUENCES, start=last + 1):
                ConsequenceTemplate.objects.get_or_create(
                    code=code, defaults={"text_zh": zh, "text_en": en, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("works", "0004_minimum_versions")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
