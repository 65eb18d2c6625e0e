from django import template

from xinfang.matters.services.numbering import format_query_code

register = template.Library()


@register.simple_tag
def widget(field, **attrs):
    """Render a bound field's widget with accessible error attributes (and extra attrs)."""
    extra = {k.replace("_", "-"): v for k, v in attrs.items()}
    if field.errors:
        extra["aria-invalid"] = "true"
        extra["aria-describedby"] = f"{field.auto_id}-error"
    elif field.help_text:
        extra["aria-describedby"] = f"{field.auto_id}-help"
    if field.field.required:
        extra.setdefault("aria-required", "true")
    return field.as_widget(attrs=extra)


@register.filter
def ymd(value):
    return value.strftime("%Y-%m-%d") if value else ""


@register.filter
def querycode(value):
    """A 查询码 in groups of four (ACDE-FHJK-MNPR): how it is shown and read aloud."""
    return format_query_code(str(value or ""))
