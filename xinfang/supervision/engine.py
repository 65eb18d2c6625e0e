"""The daily deadline engine: one idempotent function, ``run(today)``.

Each step selects only the rows that still need a write, claims each row with a conditional
UPDATE and writes its consequences in the same small transaction, so that

* a second run on the same day finds nothing to do (idempotent),
* a run for a later day catches up on skipped days (every condition is "due before today", never
  "due yesterday"),
* a crash in the middle leaves only whole units of work; the rerun completes the rest, and the
  unique keys (``SupervisionRecord.trigger_key``, one record per clock and kind, one callback per
  evaluation) make a duplicate impossible even if two runs overlap,
* two machines running at once: a lease row (``EngineLock``) lets one of them work; the other
  returns ``status="locked"``. The Celery task adds a Redis lock in front (``tasks.py``).

The steps run in an order chosen so that no step creates work for an earlier one (see
docs/supervision.md "Engine"). A 督办单 or 挂牌督办 the engine raises is issued with its paper;
when the paper cannot be generated that one unit of work is rolled back and counted in
``document_errors`` (the next run tries again), and the run goes on.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.documents.services import DocumentGenerationFailed
from xinfang.matters.choices import State
from xinfang.matters.models import Deadline, Event, Matter
from xinfang.matters.services.actions import perform_action
from xinfang.notices.services import notify_due_soon, send_digests
from xinfang.notifications.services import send_pending_notifications
from xinfang.routing.services import retrain_if_stale
from xinfang.workdays.models import current_rules, load_calendar
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from .choices import LADDER, RecommendationState, RecordKind, RecordState, Trigger
from .dues import SUPERVISED, due_soon_days, response_due_from
from .models import EngineLock, EngineRun, Recommendation, SupervisionRecord, current_policy
from .services.callbacks import callback_for_event
from .services.records import escalate_record, issue_record

log = logging.getLogger(__name__)

LOCK_NAME = "deadlines"
LEASE = dt.timedelta(minutes=15)
BATCH = 500
# Duties supervised by the engine: every authority clock except the unit's 5-working-day window to
# object (异议退回), which is a right that simply lapses, not a duty that can be late.
WINDOWS = {ClockKind.REVIEW_REQUEST.value: ("no_review", State.REPLIED),
           ClockKind.RECHECK_REQUEST.value: ("no_recheck", State.REVIEWED)}


@dataclass
class RunResult:
    day: dt.date
    status: str  # finished | locked | failed
    counts: dict = field(default_factory=dict)
    run_id: int | None = None

    @property
    def changed(self) -> int:
        return sum(v for k, v in self.counts.items() if not k.endswith("_errors"))


@dataclass
class Ctx:
    today: dt.date
    holder: str
    run: EngineRun
    calendar: object
    rules: object
    policy: object
    counts: dict = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def progress(self) -> None:
        """Record progress and renew the lease (called after every batch)."""
        EngineRun.objects.filter(pk=self.run.pk).update(step=self.run.step, counts=dict(self.counts))
        renew(self.holder)


# ---- the lease lock --------------------------------------------------------------------------


def acquire(holder: str, now: dt.datetime | None = None) -> bool:
    """Take the lease if it is free or expired: one conditional UPDATE, atomic on SQLite and PostgreSQL."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            EngineLock.objects.get_or_create(name=LOCK_NAME)
    except IntegrityError:
        pass  # another machine created the row at the same moment
    free = Q(holder="") | Q(expires_at__lt=now) | Q(expires_at__isnull=True)
    return EngineLock.objects.filter(free, name=LOCK_NAME).update(holder=holder, expires_at=now + LEASE) == 1


def renew(holder: str) -> None:
    EngineLock.objects.filter(name=LOCK_NAME, holder=holder).update(expires_at=timezone.now() + LEASE)


def release(holder: str) -> None:
    EngineLock.objects.filter(name=LOCK_NAME, holder=holder).update(holder="", expires_at=None)


def new_holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# ---- helpers ---------------------------------------------------------------------------------


def _batched_ids(qs, size: int = BATCH):
    """Ids of ``qs`` in ascending batches, re-querying each time (rows done drop out of the filter)."""
    last = 0
    while True:
        ids = list(qs.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _target_unit(deadline: Deadline):
    m = deadline.matter
    return deadline.unit or m.handling_unit or m.registering_unit


def _running_authority():
    return Deadline.objects.filter(kind__in=SUPERVISED, met_at__isnull=True, cancelled_at__isnull=True)


# ---- steps -----------------------------------------------------------------------------------


def lapse_evaluations(ctx: Ctx) -> None:
    """超期未评价: evaluation windows past their due day end unused (set-based)."""
    qs = Deadline.objects.filter(kind=ClockKind.EVALUATE.value, met_at__isnull=True, cancelled_at__isnull=True,
                                 due__lt=ctx.today)
    ctx.add("evaluations_lapsed", qs.update(lapsed_on=ctx.today, cancelled_at=timezone.now()))


def _close_time(due: dt.date, last_event_at: dt.datetime | None) -> dt.datetime:
    tz = timezone.get_current_timezone()
    at = min(dt.datetime.combine(due + dt.timedelta(days=1), dt.time(23, 59, 59), tzinfo=tz), timezone.now())
    if last_event_at is not None and last_event_at > at:
        at = last_event_at
    return at


def close_lapsed_windows(ctx: Ctx) -> None:
    """复查/复核 not applied for in time: close the matter (no_review / no_recheck) through the workflow."""
    qs = Deadline.objects.filter(kind__in=list(WINDOWS), met_at__isnull=True, cancelled_at__isnull=True,
                                 due__lt=ctx.today)
    for ids in _batched_ids(qs):
        rows = Deadline.objects.filter(pk__in=ids).select_related("matter")
        for d in rows:
            reason, state = WINDOWS[d.kind]
            if d.matter.status != state:
                continue
            try:
                perform_action(actor=None, via="system", number=d.matter.number, action="close",
                               params={"reason": reason, "occurred_at": _close_time(d.due, d.matter.last_event_at),
                                       "note": "申请期限届满未申请，系统自动办结"})
                ctx.add("matters_closed")
            except AppError as exc:
                log.warning("engine: closing %s failed: %s", d.matter.number, exc.message)
                ctx.add("close_errors")
        ctx.progress()


def _clock_title(prefix: str, d: Deadline) -> str:
    label = CLOCK_RULES[ClockKind(d.kind)].label
    return f"{prefix}：{d.matter.number}“{label}”期限 {d.due.isoformat()}"


def _overdue_reason(d: Deadline) -> tuple[str, str]:
    """Why a clock's 催办 is raised: (trigger, text). A handling clock started by a 复查 decision to
    redo the case (责令重新办理) is that decision not executed (决定未执行, domain §7)."""
    if d.kind == ClockKind.HANDLE.value and d.event_id and d.event.action == "review_decide":
        decided = timezone.localtime(d.event.occurred_at).date().isoformat()
        return Trigger.DECISION, (f"复查机关于 {decided} 责令重新办理，重新办理期限已于 {d.due.isoformat()} 届满，"
                                  f"尚未重新作出处理意见（复查决定未执行）。{d.explanation}")
    label = CLOCK_RULES[ClockKind(d.kind)].label
    return Trigger.OVERDUE, f"{label}期限已于 {d.due.isoformat()} 届满，尚未办理。{d.explanation}"


def mark_overdue(ctx: Ctx) -> None:
    """A clock expired: mark it and raise a 催办 (escalating the clock's 提醒 when there is one)."""
    qs = _running_authority().filter(due__lt=ctx.today, overdue_marked_on__isnull=True)
    for ids in _batched_ids(qs):
        for d in Deadline.objects.filter(pk__in=ids).select_related("matter", "unit", "matter__handling_unit",
                                                                    "matter__registering_unit", "event"):
            with transaction.atomic():
                if not Deadline.objects.filter(pk=d.pk, overdue_marked_on__isnull=True).update(overdue_marked_on=ctx.today):
                    continue
                key = f"deadline:{d.pk}:urge"
                if SupervisionRecord.objects.filter(deadline=d, kind=RecordKind.URGE).exists():
                    continue
                reminder = SupervisionRecord.objects.filter(
                    deadline=d, kind=RecordKind.REMINDER, state__in=[RecordState.OPEN, RecordState.RESPONDED]
                ).select_for_update().first()
                trigger, reason = _overdue_reason(d)
                if reminder is not None:
                    escalate_record(reminder, today=ctx.today, reason=reason, trigger_key=key, calendar=ctx.calendar,
                                    **({"trigger": trigger} if trigger == Trigger.DECISION else {}))
                else:
                    issue_record(kind=RecordKind.URGE, target_unit=_target_unit(d), title=_clock_title("催办", d),
                                 content=reason, matters=[d.matter], trigger=trigger, trigger_key=key,
                                 deadline=d, response_due=response_due_from(ctx.today, calendar=ctx.calendar))
                ctx.add("overdue_marked")
        ctx.progress()


def mark_due_soon(ctx: Ctx) -> None:
    """A clock about to expire (N working days before due, a setting): mark it and send a 提醒."""
    first, last = due_soon_days(ctx.today, ctx.rules.due_soon_workdays, ctx.calendar)
    qs = _running_authority().filter(due__gte=first, due__lte=last, warned_on__isnull=True)
    for ids in _batched_ids(qs):
        for d in Deadline.objects.filter(pk__in=ids).select_related("matter", "unit", "matter__handling_unit",
                                                                    "matter__registering_unit"):
            with transaction.atomic():
                if not Deadline.objects.filter(pk=d.pk, warned_on__isnull=True).update(warned_on=ctx.today):
                    continue
                if not SupervisionRecord.objects.filter(deadline=d, kind=RecordKind.REMINDER).exists():
                    issue_record(kind=RecordKind.REMINDER, target_unit=_target_unit(d), title=_clock_title("提醒", d),
                                 content=f"请在期限内办理。{d.explanation}", matters=[d.matter],
                                 trigger=Trigger.DUE_SOON, trigger_key=f"deadline:{d.pk}:reminder", deadline=d,
                                 response_due=d.due)
                ctx.add("due_soon_marked")
        ctx.progress()


def callbacks_for_dissatisfied(ctx: Ctx) -> None:
    """Safety net for the in-transaction hook: every dissatisfied rating has its callback task.

    Events are append-only with increasing ids, so only those after the last finished run's
    watermark are looked at (the primary-key index; no scan of the whole events table).
    """
    from .models import CallbackTask

    since = (EngineRun.objects.filter(status=EngineRun.Status.FINISHED).exclude(pk=ctx.run.pk)
             .order_by("-event_watermark").values_list("event_watermark", flat=True).first()) or 0
    top = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    qs = Event.objects.filter(pk__gt=since, pk__lte=top, action="evaluate", params__rating="dissatisfied").exclude(
        Exists(CallbackTask.objects.filter(event_id=OuterRef("pk")))
    )
    for ids in _batched_ids(qs):
        for event in Event.objects.filter(pk__in=ids).select_related("matter"):
            if callback_for_event(event, event.matter) is not None:
                ctx.add("callbacks_created")
        ctx.progress()
    ctx.run.event_watermark = top
    EngineRun.objects.filter(pk=ctx.run.pk).update(event_watermark=top)


def supervise_bounced(ctx: Ctx) -> None:
    """A matter returned (退回) N or more times (a setting, default 3) gets a 督办单."""
    threshold = ctx.policy.bounce_threshold
    done = {int(k.split(":")[1]) for k in SupervisionRecord.objects.filter(trigger_key__startswith="bounced:")
            .values_list("trigger_key", flat=True)}
    qs = (Matter.objects.filter(return_count__gte=threshold).exclude(status=State.CLOSED).exclude(pk__in=done)
          .order_by("pk"))  # not Matter's default ordering: the return_count index, no sort by received_at
    for m in qs.select_related("handling_unit", "registering_unit"):
        try:
            with transaction.atomic():
                issue_record(kind=RecordKind.ORDER, target_unit=m.handling_unit or m.registering_unit,
                             title=f"督办单：{m.number} 多次退回", matters=[m], trigger=Trigger.BOUNCED,
                             trigger_key=f"bounced:{m.pk}",
                             content=f"该事项已被退回 {m.return_count} 次，请明确责任单位、依法受理办理。",
                             response_due=response_due_from(ctx.today, calendar=ctx.calendar))
            ctx.add("bounced_supervised")
        except IntegrityError:
            pass
        except DocumentGenerationFailed as exc:  # nothing kept: the next run tries again
            log.warning("engine: the supervision order for %s failed: %s", m.number, exc.message)
            ctx.add("document_errors")


def supervise_recommendations(ctx: Ctx) -> None:
    """Feedback on a recommendation is overdue: 催办 the recipient."""
    done = {int(k.split(":")[1]) for k in SupervisionRecord.objects.filter(trigger_key__startswith="recommendation:")
            .values_list("trigger_key", flat=True)}
    qs = Recommendation.objects.filter(state=RecommendationState.SENT, feedback_due__lt=ctx.today).exclude(pk__in=done)
    for rec in qs.select_related("recipient_unit"):
        try:
            with transaction.atomic():
                issue_record(kind=RecordKind.URGE, target_unit=rec.recipient_unit, recommendation=rec,
                             title=f"催办：建议书“{rec.title}”逾期未反馈", matters=list(rec.matters.all()),
                             content=f"反馈期限 {rec.feedback_due.isoformat()} 已过，请尽快书面反馈采纳情况。",
                             trigger=Trigger.RECOMMENDATION, trigger_key=f"recommendation:{rec.pk}",
                             response_due=response_due_from(ctx.today, calendar=ctx.calendar))
            ctx.add("recommendations_supervised")
        except IntegrityError:
            pass


def close_moot_records(ctx: Ctx) -> None:
    """Open records whose reason is gone are closed (销号): clock met, matters closed, feedback given."""
    live = [RecordState.OPEN, RecordState.RESPONDED]
    # a matter still open, or closed before the record was issued (a deliberate follow-up on a closed matter)
    open_matter = Matter.objects.filter(supervision_records=OuterRef("pk")).filter(
        ~Q(status=State.CLOSED) | Q(closed_at__lt=OuterRef("issued_at")))
    rules = [
        ("时限已履行，自动销号", Q(deadline__isnull=False) & (Q(deadline__met_at__isnull=False) | Q(deadline__cancelled_at__isnull=False))),
        ("建议书已反馈，自动销号", Q(recommendation__state=RecommendationState.ANSWERED)),
        ("所涉事项已办结，自动销号", Q(matters__isnull=False, recommendation__isnull=True) & ~Q(kind=RecordKind.BULLETIN)),
    ]
    for note, cond in rules:
        qs = SupervisionRecord.objects.filter(cond, state__in=live)
        if note.startswith("所涉"):
            qs = qs.exclude(Exists(open_matter))
        ids = list(qs.values_list("pk", flat=True).distinct())
        n = SupervisionRecord.objects.filter(pk__in=ids, state__in=live).update(
            state=RecordState.CLOSED, closed_at=timezone.now(), close_note=note)
        ctx.add("records_closed", n)


def escalate_late(ctx: Ctx) -> None:
    """The unit did not answer by the response deadline: one step up the ladder."""
    qs = SupervisionRecord.objects.filter(state=RecordState.OPEN, response_due__lt=ctx.today,
                                          kind__in=[k.value for k in LADDER[:-1]])
    # A clock's 提醒 climbs only when the clock itself is overdue (mark_overdue), never because its
    # due day moved (an approved extension) past the reminder's date.
    qs = qs.exclude(kind=RecordKind.REMINDER, deadline__isnull=False)
    for ids in _batched_ids(qs):
        for pk in ids:
            try:
                with transaction.atomic():
                    record = SupervisionRecord.objects.select_for_update().filter(pk=pk, state=RecordState.OPEN).first()
                    if record is None or SupervisionRecord.objects.filter(escalated_from=record).exists():
                        continue
                    escalate_record(record, today=ctx.today, calendar=ctx.calendar,
                                    reason=f"{record.get_kind_display()}（{record.number}）答复期限 "
                                           f"{record.response_due.isoformat()} 已过，未见书面答复，依规升级。")
                    ctx.add("records_escalated")
            except DocumentGenerationFailed as exc:  # the record stays open: the next run tries again
                log.warning("engine: escalating record %s failed: %s", pk, exc.message)
                ctx.add("document_errors")
        ctx.progress()


def send_notifications(ctx: Ctx) -> None:
    """Hand over to the notifications app (it keeps its own idempotency)."""
    sent = send_pending_notifications()
    if isinstance(sent, dict):
        for key, value in sent.items():
            if isinstance(value, int) and value:
                ctx.add(f"notifications_{key}", value)


def notify_staff(ctx: Ctx) -> None:
    """工作提醒: clocks falling due soon reach their unit's people once; then the daily digests go out."""
    first, last = due_soon_days(ctx.today, ctx.rules.due_soon_workdays, ctx.calendar)
    created = notify_due_soon(ctx.today, first, last)
    if created:
        ctx.add("staff_notices", created)
    sent = send_digests()
    if sent["sent"]:
        ctx.add("staff_digests", sent["sent"])


def retrain_routing(ctx: Ctx) -> None:
    """Keep the routing help (转送辅助) learning from the matters closed since its last training."""
    outcome = retrain_if_stale(ctx.today)
    if outcome == "trained":
        ctx.add("routing_retrained")


def prepare_reports(ctx: Ctx) -> None:
    """The previous month's 信访形势通报 as a draft, from the month's first working day on (the
    figures app; the bureau edits and issues it)."""
    from xinfang.figures.reports import prepare_monthly_draft

    if prepare_monthly_draft(ctx.today, ctx.calendar) is not None:
        ctx.add("report_drafts")
# ---- checks of other apps (one marked place; each app adds a small function here) -------------


def ledger_checks(ctx: Ctx) -> None:
    """The office's ledgers (issue 12): overdue 人大建议/政协提案, missing monthly risk reports."""
    from xinfang.ledgers.engine import run_checks

    for key, n in run_checks(ctx.today).items():
        ctx.add(key, n)


STEPS: list[tuple[str, Callable[[Ctx], None]]] = [
    ("lapse_evaluations", lapse_evaluations),
    ("close_lapsed_windows", close_lapsed_windows),
    ("mark_overdue", mark_overdue),
    ("mark_due_soon", mark_due_soon),
    ("callbacks_for_dissatisfied", callbacks_for_dissatisfied),
    ("supervise_bounced", supervise_bounced),
    ("supervise_recommendations", supervise_recommendations),
    ("ledger_checks", ledger_checks),
    ("close_moot_records", close_moot_records),
    ("escalate_late", escalate_late),
    ("send_notifications", send_notifications),
    ("notify_staff", notify_staff),
    ("retrain_routing", retrain_routing),
    ("prepare_reports", prepare_reports),
]


def run(today: dt.date | None = None, *, via: str = "command", holder: str | None = None) -> RunResult:
    """Run the engine for ``today`` (default: the local date). Safe to call any number of times."""
    today = today or timezone.localdate()
    if today > timezone.localdate():
        raise ValueError("不能为将来的日期运行时限引擎。")
    holder = holder or new_holder()
    if not acquire(holder):
        log.info("engine: another run holds the lock; nothing done for %s", today)
        return RunResult(day=today, status="locked")
    row = EngineRun.objects.create(day=today, host=holder[:120], via=via, started_at=timezone.now())
    ctx = Ctx(today=today, holder=holder, run=row, calendar=load_calendar(), rules=current_rules(),
              policy=current_policy())
    try:
        for name, step in STEPS:
            row.step = name
            step(ctx)
            ctx.progress()
    except BaseException:
        EngineRun.objects.filter(pk=row.pk).update(status=EngineRun.Status.FAILED, counts=dict(ctx.counts), step=row.step,
                                                   error=traceback.format_exc()[-4000:], finished_at=timezone.now())
        raise
    finally:
        release(holder)
    EngineRun.objects.filter(pk=row.pk).update(status=EngineRun.Status.FINISHED, counts=dict(ctx.counts),
                                               step="", finished_at=timezone.now())
    return RunResult(day=today, status="finished", counts=dict(ctx.counts), run_id=row.pk)


__all__ = ["STEPS", "RunResult", "acquire", "release", "run"]
