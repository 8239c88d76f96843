from django import template

register = template.Library()


@register.filter
def get_item(mapping, key):
    """``{{ labels|get_item:inspection.grade }}``"""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def grade_label(code, labels):
    """The label of a grade code with the bands of ``labels`` (from selectors.grade_labels)."""
    band = labels.get(code) if labels else None
    return band.label if band else ""


@register.filter
def get_colour(colours, key):
    return colours.get(key, "#4b5563")


@register.filter
def ntd(value):
    """A whole amount with thousands separators (NT$ amounts: 12,000,000)."""
    if value is None or value == "":
        return "—"
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return value
