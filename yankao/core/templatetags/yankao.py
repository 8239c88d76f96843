from django import template

from yankao.core.models.people import person_name as _person_name

register = template.Library()


@register.filter
def person_name(user) -> str:
    return _person_name(user)


@register.inclusion_tag("core/_chart.html")
def vega_chart(chart, description: str, chart_id: str, title: str = ""):
    """A chart with its text description. ``description`` says in words what the chart
    shows (the figures themselves); it is the chart's accessible name and is visible below
    it. Pages with charts load ``{% chart_scripts %}`` once."""
    from yankao.core.charts import spec_json

    return {"spec": spec_json(chart), "description": description, "id": chart_id,
            "title": title}


@register.inclusion_tag("core/_chart_scripts.html")
def chart_scripts():
    return {}


@register.inclusion_tag("core/_map_scripts.html")
def map_scripts():
    from django.conf import settings

    return {"map_settings": {"tiles": settings.YANKAO_MAP_TILES,
                             "attribution": settings.YANKAO_MAP_ATTRIBUTION}}
