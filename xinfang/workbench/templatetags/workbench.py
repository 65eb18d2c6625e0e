"""Template helpers for the staff workbench (role checks, active nav, query strings)."""

from django import template

from xinfang.matters.services.numbering import format_query_code

from ..forms.filters import describe_filters

register = template.Library()


@register.filter
def has_role(user, roles: str) -> bool:
    """``{% if user|has_role:"registrar,admin" %}``: true if the user holds any listed role."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.has_role(*[r.strip() for r in roles.split(",") if r.strip()])


@register.simple_tag(takes_context=True)
def nav_active(context, prefix: str, exact: bool = False) -> str:
    """``class="{% nav_active '/matters/' %}"`` marks the current section of the nav."""
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    hit = path == prefix if exact else path.startswith(prefix)
    return "active" if hit else ""


@register.simple_tag(takes_context=True)
def query_with(context, **changes) -> str:
    """The current query string with some parameters replaced (pagination, sorting)."""
    request = context["request"]
    params = request.GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def filters_in_words(query: str) -> str:
    """``{{ job.query|filters_in_words }}``: a list query in words, never the raw URL parameters."""
    return describe_filters(query)


@register.inclusion_tag("workbench/_shortcuts.html")
def shortcut_help():
    """The `?` overlay listing every keyboard shortcut (workbench.shortcuts)."""
    from ..shortcuts import SHORTCUTS

    return {"shortcuts": SHORTCUTS}


@register.filter
def querycode(value):
    """A 查询码 in groups of four (ACDE-FHJK-MNPR): how it is shown and read aloud."""
    return format_query_code(str(value or ""))
