from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language

import yankao

# Django's language codes are lower-case; HTML's lang attribute wants BCP 47.
HTML_LANG = {"zh-hant": "zh-Hant-TW", "en": "en"}


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
    }


def demo_city_loaded() -> bool:
    """Whether this database holds the demo city (its records are generated)."""
    from yankao.core.models import City

    return City.objects.filter(demo=True).exists()
