"""What each role's home page shows (issue 3 §1). Every query starts from visible_matters."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Count, F, Q
from django.utils import timezone

from xinfang.matters.access import visible_matters
from xinfang.matters.choices import OPEN_STATES, State
from xinfang.matters.models import Matter, Petition
from xinfang.matters.overdue import overdue_clocks, overdue_q, overdue_unit_of
from xinfang.matters.selectors import list_queryset
from xinfang.org.choices import Role
from xinfang.supervision.selectors import record_queryset

from .due import DueContext, due_text

OPEN = sorted(OPEN_STATES)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def matters_url(**params) -> str:
    return "/matters/?" + urlencode({k: v for k, v in params.items() if v not in (None, "")}, doseq=True)


def decorate(matters, ctx: DueContext, todo=None) -> list[Matter]:
    """Attach due colouring (and the unit's to-do label) to list rows."""
    rows = list(matters)
    for m in rows:
        m.due_state = ctx.state(m.next_due)
        m.due_text = due_text(ctx, m.next_due)
        if todo is not None:
            m.todo = todo(m)
    return rows


def _due_order(qs):
    return qs.order_by(F("next_due").asc(nulls_last=True), "received_at", "id")


# ---- registrar ------------------------------------------------------------------------------


def registrar_home(user, ctx: DueContext) -> dict:
    visible = visible_matters(user)
    today_start = _day_start(ctx.today)
    petitions = Petition.objects.filter(matter__in=visible, registering_unit_id=user.unit_id)
    today_qs = (
        petitions.filter(registered_at__gte=today_start)
        .select_related("matter", "registered_by")
        .order_by("-registered_at")
    )
    repeats = (
        petitions.filter(is_repeat=True, registered_at__gte=_day_start(ctx.today - dt.timedelta(days=30)))
        .select_related("matter", "registered_by")
        .order_by("-registered_at")
    )
    today_list = list(today_qs[:20])
    counts = petitions.aggregate(
        today=Count("id", filter=Q(registered_at__gte=today_start)),
        mine=Count("id", filter=Q(registered_at__gte=today_start, registered_by_id=user.pk)),
    )
    return {
        "today_petitions": today_list,
        # Counted over every petition, not the 20 rows shown (one query for both).
        "today_count": counts["today"],
        "mine_today": counts["mine"],
        "recent_repeats": list(repeats[:10]),
        "recent_repeats_count": repeats.count(),
    }


# ---- case officer ---------------------------------------------------------------------------


def officer_home(user, ctx: DueContext) -> dict:
    visible = visible_matters(user)
    to_dispose = list_queryset(_due_order(visible.filter(status=State.REGISTERED, handling_unit__isnull=True)))
    returns = list_queryset(_due_order(visible.filter(status=State.RETURN_REQUESTED)))
    reviews = list_queryset(
        _due_order(visible.filter(status__in=[State.REVIEW_REQUESTED, State.RECHECK_REQUESTED]))
    )
    return {
        "to_dispose": decorate(to_dispose[:15], ctx),
        "to_dispose_count": to_dispose.count(),
        "returns": decorate(returns[:10], ctx),
        "returns_count": returns.count(),
        "reviews": decorate(reviews[:10], ctx),
        "reviews_count": reviews.count(),
        "by_unit": due_by_unit(user, ctx),
    }


def due_by_unit(user, ctx: DueContext) -> list[dict]:
    """Per unit: open matters it handles, those due soon (by the nearest clock), and those overdue *for it*
    (matters.overdue: its own running clocks past due — a 复查 body's clock counts for that body). Two queries."""
    visible_open = visible_matters(user).filter(status__in=OPEN)
    rows = (
        visible_open.filter(handling_unit__isnull=False)
        .values("handling_unit__code", "handling_unit__name")
        .annotate(open=Count("id"), soon=Count("id", filter=Q(next_due__gte=ctx.today, next_due__lte=ctx.soon_until)))
    )
    late = (overdue_clocks(ctx.today).filter(matter__in=visible_open.values("pk"), unit__isnull=False)
            .values("unit__code", "unit__name").annotate(overdue=Count("matter", distinct=True)))
    by_code: dict[str, dict] = {}
    for r in rows:
        by_code[r["handling_unit__code"]] = {"code": r["handling_unit__code"], "name": r["handling_unit__name"],
                                             "open": r["open"], "soon": r["soon"], "overdue": 0}
    for r in late:
        row = by_code.setdefault(r["unit__code"], {"code": r["unit__code"], "name": r["unit__name"], "open": 0,
                                                   "soon": 0, "overdue": 0})
        row["overdue"] = r["overdue"]
    result = sorted(by_code.values(), key=lambda r: (-r["overdue"], -r["soon"], r["code"]))
    for r in result:
        code = r["code"]
        r["open_url"] = matters_url(status="open", unit=code, sort="due")
        r["overdue_url"] = matters_url(status="open", overdue_for=code, sort="due")
        r["soon_url"] = matters_url(status="open", unit=code, overdue="false", due_before=ctx.soon_until.isoformat(),
                                    sort="due")
    return result


# ---- unit handler and leader ----------------------------------------------------------------

UNIT_TODO = {
    State.FORWARDED: "待签收受理",
    State.ASSIGNED: "待签收受理（交办）",
    State.ACCEPTED: "办理中",
    State.RETURN_REQUESTED: "退回待审",
    State.REPLIED: "已答复",
    State.REVIEWED: "已复查",
    State.REVIEW_REQUESTED: "复查中",
    State.RECHECK_REQUESTED: "复核中",
}


def unit_todo(m: Matter, unit_id: int) -> str:
    if m.status in (State.FORWARDED, State.ASSIGNED) and m.handling_unit_id == unit_id:
        return "待受理（已签收）" if m.acknowledged_at else "未签收"
    if m.status == State.ACCEPTED and m.extension_days and not m.extension_approved:
        return "延期待批准"
    if m.status in (State.REPLIED, State.REVIEWED) and not m.delivered:
        return "待送达"
    if m.status == State.REVIEW_REQUESTED and m.review_body_id == unit_id:
        return "复查待办"
    if m.status == State.RECHECK_REQUESTED and m.recheck_body_id == unit_id:
        return "复核待办"
    return UNIT_TODO.get(State(m.status), m.get_status_display())


def _body_is(m: Matter, unit_id) -> bool:
    """False only when the matter waits for another body's 复查 or 复核."""
    if m.status == State.REVIEW_REQUESTED:
        return m.review_body_id == unit_id
    if m.status == State.RECHECK_REQUESTED:
        return m.recheck_body_id == unit_id
    return True


def unit_inbox(user, ctx: DueContext) -> dict:
    unit_id = user.unit_id
    mine = visible_matters(user).filter(Q(handling_unit_id=unit_id) | Q(review_body_id=unit_id) | Q(recheck_body_id=unit_id))
    open_mine = mine.filter(status__in=OPEN)
    counts = open_mine.aggregate(
        to_accept=Count("id", filter=Q(status__in=[State.FORWARDED, State.ASSIGNED], handling_unit_id=unit_id)),
        unseen=Count("id", filter=Q(status__in=[State.FORWARDED, State.ASSIGNED], handling_unit_id=unit_id,
                                    acknowledged_at__isnull=True)),
        handling=Count("id", filter=Q(status=State.ACCEPTED, handling_unit_id=unit_id)),
        extensions=Count("id", filter=Q(status=State.ACCEPTED, extension_days__gt=0, extension_approved=False,
                                         handling_unit_id=unit_id)),
        to_deliver=Count("id", filter=Q(status__in=[State.REPLIED, State.REVIEWED], delivered=False)),
        reviews=Count("id", filter=Q(status=State.REVIEW_REQUESTED, review_body_id=unit_id)),
        soon=Count("id", filter=Q(next_due__gte=ctx.today, next_due__lte=ctx.soon_until)),
    )
    # 已超期 = exactly the list it links to: visible open matters overdue for this unit (matters.overdue)
    counts["overdue"] = visible_matters(user).filter(status__in=OPEN).filter(overdue_q(ctx.today, unit_id)).count()
    inbox = list_queryset(_due_order(open_mine))
    rows = decorate(inbox[:60], ctx, todo=lambda m: unit_todo(m, unit_id))
    for m in rows:
        # Under 复查/复核 by another body the running clock is that body's, not this unit's.
        if not _body_is(m, unit_id):
            m.due_state, m.due_text = "", "复查/复核机关办理中"
    unit = user.unit.code if user.unit else ""
    links = {
        "to_accept": matters_url(status="forwarded,assigned", unit=unit, sort="due"),
        "unseen": matters_url(status="forwarded,assigned", unit=unit, acknowledged="false", sort="due"),
        "handling": matters_url(status="accepted", unit=unit, sort="due"),
        "overdue": matters_url(status="open", overdue="true", sort="due"),
        "soon": matters_url(status="open", overdue="false", due_before=ctx.soon_until.isoformat(), sort="due"),
    }
    # 督办 records addressed to this unit that still wait for its written answer (same filter as the list).
    counts["supervision"] = record_queryset(user, {"state": "open"}).count()
    links["supervision"] = "/supervision/records/?state=open"
    return {"counts": counts, "inbox": rows, "links": links,
            "is_leader": user.has_role(Role.UNIT_LEADER)}


# ---- leaders and auditors: read-only overview -----------------------------------------------


def overview(user, ctx: DueContext) -> dict:
    month_start = _day_start(ctx.today.replace(day=1))
    qs = visible_matters(user)
    c = qs.aggregate(
        open=Count("id", filter=Q(status__in=OPEN)),
        registered=Count("id", filter=Q(status=State.REGISTERED)),
        to_accept=Count("id", filter=Q(status__in=[State.FORWARDED, State.ASSIGNED])),
        handling=Count("id", filter=Q(status=State.ACCEPTED)),
        returns=Count("id", filter=Q(status=State.RETURN_REQUESTED)),
        reviews=Count("id", filter=Q(status__in=[State.REVIEW_REQUESTED, State.RECHECK_REQUESTED])),
        overdue=Count("id", filter=Q(status__in=OPEN) & overdue_q(ctx.today, overdue_unit_of(user))),
        soon=Count("id", filter=Q(status__in=OPEN, next_due__gte=ctx.today, next_due__lte=ctx.soon_until)),
        month_received=Count("id", filter=Q(received_at__gte=month_start)),
        month_closed=Count("id", filter=Q(status=State.CLOSED, closed_at__gte=month_start)),
        repeat=Count("id", filter=Q(status__in=OPEN, is_repeat=True)),
        collective=Count("id", filter=Q(status__in=OPEN, is_collective=True)),
    )
    month = ctx.today.replace(day=1).isoformat()
    soon = ctx.soon_until.isoformat()
    tiles = [
        ("在办事项", c["open"], matters_url(status="open"), ""),
        ("待处置（已登记）", c["registered"], matters_url(status="registered", sort="due"), ""),
        ("待受理（已转送/交办）", c["to_accept"], matters_url(status="forwarded,assigned", sort="due"), ""),
        ("办理中", c["handling"], matters_url(status="accepted", sort="due"), ""),
        ("已超期", c["overdue"], matters_url(status="open", overdue="true", sort="due"), "red"),
        (f"临期（{ctx.soon_workdays}个工作日内）", c["soon"], matters_url(status="open", overdue="false", due_before=soon, sort="due"), "amber"),
        ("申请退回", c["returns"], matters_url(status="return_requested"), ""),
        ("复查复核中", c["reviews"], matters_url(status="review_requested,recheck_requested"), ""),
        ("本月收到", c["month_received"], matters_url(received_after=month), "green"),
        # No link: the list filters by received date, not by closing date, so no list has this count.
        ("本月办结", c["month_closed"], None, "green"),
        ("重复信访（在办）", c["repeat"], matters_url(status="open", repeat="true"), ""),
        ("集体访（在办）", c["collective"], matters_url(status="open", collective="true"), ""),
    ]
    return {"tiles": [{"label": t[0], "value": t[1], "url": t[2], "tone": t[3]} for t in tiles],
            "by_unit": due_by_unit(user, ctx)}
