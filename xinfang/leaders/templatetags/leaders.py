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
