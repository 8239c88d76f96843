from django import template

register = template.Library()


@register.filter
def money(value) -> str:
    """Whole NT$ with thousands separators in every language (3,756,946,000)."""
    if value is None or value == "":
        return "—"
    return f"{int(value):,}"
