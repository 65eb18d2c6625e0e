"""Template tags other apps' pages use: the unit's task card (home inbox) and a matter's leaders card."""

from django import template
from django.utils import timezone

from .. import access, selectors

register = template.Library()


@register.inclusion_tag("leaders/_unit_tasks.html", takes_context=True)
def unit_tasks(context):
    user = context["request"].user
    tasks = selectors.unit_inbox_tasks(user) if access.is_unit_staff(user) else []
    return {"leader_tasks": tasks, "leader_today": timezone.localdate()}


@register.inclusion_tag("leaders/_matter_card.html", takes_context=True)
def matter_leaders(context, matter):
    """The page including this has already checked access to the matter."""
    user = context["request"].user
    items = selectors.matter_leader_items(user, matter)
    return {**items, "matter": matter, "can_case": access.is_case_staff(user) or access.is_county_leader(user),
            "can_hear": access.is_case_staff(user) or access.is_unit_staff(user), "today": timezone.localdate()}


@register.inclusion_tag("leaders/_tabs.html", takes_context=True)
def leaders_tabs(context):
    """The leaders' section tabs, only those the user may open (a unit's staff: 包案 and 交办任务), the
    current one marked."""
    from django.urls import reverse

    from ..services.receptions import LEADER_ROLES

    request = context["request"]
    user = request.user
    reader = access.reads_county(user)
    tabs = [("leaders:home", "领导页面", user.has_role(*LEADER_ROLES)), ("leaders:bureau", "接访与会议", reader),
            ("leaders:day", "接访日程", reader), ("leaders:cases", "包案", True), ("leaders:backlog", "积案", reader),
            ("leaders:tasks", "交办任务", True)]
    shown = []
    for name, label, allowed in tabs:
        if allowed:
            url = reverse(name)
            current = request.path == url or (url != reverse("leaders:home") and request.path.startswith(url))
            shown.append({"url": url, "label": label, "active": current})
    return {"tabs": shown}
