from django import template
from django.utils.html import format_html

from yankao.opendata.models import Dataset
from yankao.opendata.quality import CHECK_NAMES

register = template.Library()


@register.simple_tag
def quality_badge(level: str) -> str:
    """The label as a coloured badge, its name in words (colour is never the only cue)."""
    return format_html('<span class="label label--{}">{}</span>', level,
                       Dataset.Quality(level).label)


@register.filter
def check_name(check: str) -> str:
    return str(CHECK_NAMES.get(check, check))


@register.filter
def result_of(checks: dict, check: str):
    return (checks or {}).get("results", {}).get(check)
