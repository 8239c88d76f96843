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
    """Leaflet, the maps' script and their settings as a JSON block: the tile server (none
    by default: maps draw the district boundaries offline) and the city's bounds."""
    from django.conf import settings
    from django.urls import reverse

    from yankao.core.geo import city_bounds

    west, south, east, north = city_bounds() or (119.3, 21.8, 122.1, 25.4)
    return {"map_config": {
        "tiles": settings.YANKAO_MAP_TILES, "attribution": settings.YANKAO_MAP_ATTRIBUTION,
        "boundaries": reverse("core:map-districts"),
        "bounds": [[south, west], [north, east]],
    }}


@register.filter
def audit_sentence(event) -> str:
    """An audit event as a sentence in the reader's language (core.history)."""
    from yankao.core.history import sentence

    return sentence(event)
