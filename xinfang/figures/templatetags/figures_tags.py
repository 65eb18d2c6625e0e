from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def pct(value) -> str:
    """0.1234 → 12.3%; None → —."""
    return "—" if value is None else f"{value * 100:.1f}%"


@register.filter
def change(value):
    """A relative change as ↑12.3% / ↓4.0% / 持平; None (no base) → —."""
    if value is None:
        return "—"
    if value == 0:
        return "持平"
    cls, arrow = ("fig-up", "↑") if value > 0 else ("fig-down", "↓")
    return format_html('<span class="{}">{}{}</span>', cls, arrow, f"{abs(value) * 100:.1f}%")


@register.filter
def dictget(mapping, key):
    return (mapping or {}).get(key)
