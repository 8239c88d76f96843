from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

import yankao

# Django's language codes are lower-case; HTML's lang attribute wants BCP 47.
HTML_LANG = {"zh-hant": "zh-Hant-TW", "en": "en"}


def _todo(user):
    """What waits for the signed-in person, from each app's ``yankao_todo(user)`` hook:
    [(label, count, url)] with counts above zero."""
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        hook = getattr(config, "yankao_todo", None)
        if hook is not None:
            found.extend(item for item in hook(user) if item[1])
    return found


def shell(request):
    language = (get_language() or settings.LANGUAGE_CODE).lower()
    other = "en" if language.startswith("zh") else "zh-hant"
    return {
        "html_lang": HTML_LANG.get(language, language),
        "other_language": other,
        "other_language_html": HTML_LANG[other],
        "other_language_label": "English" if other == "en" else "中文",
        "yankao_version": yankao.__version__,
        "yankao_production": settings.YANKAO_PRODUCTION,
        # Read only where a page shows the footer (SimpleLazyObject: no query otherwise).
        "yankao_demo": SimpleLazyObject(demo_city_loaded),
        # Evaluated only where a page shows it (signed-in pages' header).
        "todo": (lambda: _todo(request.user)) if getattr(request, "user", None)
        and request.user.is_authenticated else (),
    }


def demo_city_loaded() -> bool:
    """Whether this database holds the demo city (its records are generated)."""
    from yankao.core.models import City

    return City.objects.filter(demo=True).exists()
