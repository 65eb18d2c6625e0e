"""人民建议征集 (§29): the adoption decision after the reply, the reward, publication on the portal.

The adoption is not a workflow action: it is a ledger row (one per matter) written here under the
matter's row lock (``access_matter(for_update=True)``), checked against the matter's state.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xinfang.core.errors import NotVisible, StateConflict
from xinfang.matters.access import access_matter
from xinfang.matters.choices import CloseReason, Purpose, State

from .. import validation as v
from ..access import require_bureau_writer
from ..choices import Adoption, Reward
from ..models import SuggestionAdoption

# A reply (or a direct answer) has been given: these states, or closed after an answer.
ANSWERED_OPEN = (State.REPLIED, State.REVIEW_REQUESTED, State.REVIEWED, State.RECHECK_REQUESTED)
ANSWERED_CLOSE = (CloseReason.ANSWERED, CloseReason.MEDIATED, CloseReason.NO_REVIEW, CloseReason.NO_RECHECK,
                  CloseReason.RECHECKED, CloseReason.CONFIRMED)
ANSWERED_Q = Q(status__in=ANSWERED_OPEN) | Q(status=State.CLOSED, close_reason__in=ANSWERED_CLOSE)


def is_answered(matter) -> bool:
    return matter.status in ANSWERED_OPEN or (matter.status == State.CLOSED and matter.close_reason in ANSWERED_CLOSE)


def _locked_suggestion(actor, number: str):
    matter = access_matter(actor, number, for_update=True)
    if matter.purpose != Purpose.SUGGESTION:
        raise StateConflict("该事项不是意见建议类，不能记录采纳情况。", fields={"matter": "仅意见建议类事项"})
    return matter


def adopt(*, actor, number: str, data: dict) -> SuggestionAdoption:
    """Record (or correct) the adoption decision; ``reward`` optionally recommends a reward."""
    v.no_nul(data)
    require_bureau_writer(actor, "只有信访局案件办理人员或局领导可以记录采纳情况。")
    adoption = v.choice(data, "adoption", "采纳情况", Adoption)
    note = v.text(data, "note", "采纳说明", required=adoption != Adoption.NOT_ADOPTED, max_length=5000)
    body = v.text(data, "adopting_body", "采纳单位", required=False, max_length=120)
    reward_note = v.text(data, "reward", "奖励建议", required=False, max_length=300)
    if reward_note and adoption == Adoption.NOT_ADOPTED:
        v.fail("reward", "未采纳的建议不能建议奖励。")
    with transaction.atomic():
        matter = _locked_suggestion(actor, number)
        if not is_answered(matter):
            raise StateConflict(f"该建议尚未答复（当前状态：{matter.get_status_display()}），答复后才能记录采纳情况。")
        row = SuggestionAdoption.objects.filter(matter=matter).first()
        if row is not None and row.reward in (Reward.GRANTED, Reward.REFUSED):
            raise StateConflict("奖励已有结果，采纳情况不能再修改。")
        row = row or SuggestionAdoption(matter=matter)
        row.adoption = adoption
        row.note = note
        row.adopting_body = body or (matter.handling_unit.name if matter.handling_unit_id else "信访局")
        row.decided_at = timezone.now()
        row.decided_by = actor
        if reward_note:
            row.reward, row.reward_note = Reward.RECOMMENDED, reward_note
        elif row.reward == Reward.RECOMMENDED and adoption == Adoption.NOT_ADOPTED:
            row.reward, row.reward_note = Reward.NONE, ""
        if adoption == Adoption.NOT_ADOPTED:
            row.published, row.published_at = False, None
        row.save()
        return row


def _locked_adoption(actor, number: str) -> SuggestionAdoption:
    matter = _locked_suggestion(actor, number)
    row = SuggestionAdoption.objects.select_for_update().filter(matter=matter).first()
    if row is None:
        raise StateConflict("请先记录采纳情况。")
    return row


def reward_decide(*, actor, number: str, data: dict) -> SuggestionAdoption:
    """The reward's outcome: granted (with an optional amount) or refused."""
    v.no_nul(data)
    require_bureau_writer(actor, "只有信访局案件办理人员或局领导可以记录奖励结果。")
    outcome = v.choice(data, "outcome", "奖励结果", [(Reward.GRANTED.value, "已奖励"), (Reward.REFUSED.value, "未予奖励")])
    note = v.text(data, "note", "奖励说明", required=False, max_length=300)
    amount = v.money(data, "amount", "奖励金额") if outcome == Reward.GRANTED and data.get("amount") not in (None, "") else None
    with transaction.atomic():
        row = _locked_adoption(actor, number)
        if row.reward != Reward.RECOMMENDED:
            raise StateConflict("该建议没有待决定的奖励建议。" if row.reward == Reward.NONE else "奖励结果已记录。")
        row.reward, row.reward_amount, row.reward_decided_at = outcome, amount, timezone.now()
        if note:
            row.reward_note = f"{row.reward_note}；{note}" if row.reward_note else note
        row.save()
        return row


def publish(*, actor, number: str, data: dict) -> SuggestionAdoption:
    """Publish (or withdraw) an adopted suggestion on the portal: only with the proposer's consent;
    the name is withheld unless the proposer agreed to be named."""
    v.no_nul(data)
    require_bureau_writer(actor, "只有信访局案件办理人员或局领导可以公开建议。")
    published = v.boolean(data, "published", default=True)
    consent = v.boolean(data, "consent", default=False)
    show_name = v.boolean(data, "show_name", default=False)
    title = v.text(data, "public_title", "公开标题", required=published, max_length=200)
    text = v.text(data, "public_text", "公开内容", required=published, max_length=5000)
    with transaction.atomic():
        row = _locked_adoption(actor, number)
        if published:
            if row.adoption == Adoption.NOT_ADOPTED:
                raise StateConflict("只有采纳或部分采纳的建议可以公开。")
            if not consent:
                v.fail("consent", "须经建议人同意方可公开。")
        row.consent, row.show_name = consent, show_name and consent
        row.public_title, row.public_text = title, text
        if published and not row.published:
            row.published_at = timezone.now()
        row.published = published
        if not published:
            row.published_at = None
        row.save()
        return row


def adoption_of(actor, number: str) -> SuggestionAdoption | None:
    matter = access_matter(actor, number)
    if matter.purpose != Purpose.SUGGESTION:
        raise NotVisible()
    return SuggestionAdoption.objects.filter(matter=matter).first()
