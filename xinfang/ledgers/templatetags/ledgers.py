"""Template pieces other apps' pages include: the matter page's ledger pane (adoption of a
suggestion, relevant rules) and the bureau home's ledger tiles (high risks, the publicity duty)."""

from django import template
from django.utils import timezone

from xinfang.matters.choices import Purpose

from .. import access
from ..models import SuggestionAdoption
from ..selectors.ledgers import high_risks_open, publicity_duty, relevant_rules
from ..services.suggestions import is_answered
from ..tables import money_text

register = template.Library()


register.filter("money", money_text)  # 250,000.00 (the Chinese locale of Django groups nothing)


@register.filter
def get_item(mapping, key):
    if hasattr(mapping, "get"):
        return mapping.get(key)
    return None


@register.inclusion_tag("ledgers/_matter_pane.html", takes_context=True)
def ledger_pane(context, matter):
    user = context["request"].user
    suggestion = matter.purpose == Purpose.SUGGESTION
    adoption = SuggestionAdoption.objects.filter(matter=matter).first() if suggestion else None
    return {
        "m": matter, "suggestion": suggestion, "adoption": adoption, "answered": suggestion and is_answered(matter),
        "writer": access.is_bureau_writer(user), "rules": relevant_rules(matter),
        "fund": access.may_request_grant(user),
    }


@register.inclusion_tag("ledgers/_home_tiles.html", takes_context=True)
def ledger_home(context):
    user = context["request"].user
    count, risks = high_risks_open(user)
    return {"high_count": count, "high_risks": risks, "duty": publicity_duty(timezone.localdate().year)}
