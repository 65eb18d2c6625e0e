"""Receptions (领导接访日 / 约访 / 下访): sessions, bookings from the portal, reception records.

* A booking is taken under a row lock on its session: capacity is never exceeded, the same phone
  books a session once (a second booking returns the first), past, full and unpublished sessions
  are refused with 409.
* A reception record (summary, 批示, tasks) on a matter is also an event on that matter's timeline
  (``matter_acts.receive``), in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from xinfang.core import validation as v
from xinfang.core.errors import InvalidInput, NotAllowed, NotVisible, StateConflict
from xinfang.matters.access import access_matter
from xinfang.matters.models import Matter
from xinfang.notifications.models import TemplateKey
from xinfang.notifications.services import queue_message
from xinfang.org import lookups
from xinfang.org.choices import COUNTY_KINDS
from xinfang.org.models import Unit, User
from xinfang.portal.services.track import authenticate

from .. import access
from ..access import is_county_leader, runs_receptions
from ..choices import LIVE_BOOKING, BookingStatus, SessionKind, TaskSource
from ..models import Booking, ReceptionRecord, ReceptionSession
from . import matter_acts
from .tasks import create_tasks, parse_tasks

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
LEADER_ROLES = access.LEADER_ROLES


def leader_by_username(username, field: str = "leader") -> User:
    name = str(username or "").strip()
    if not name:
        v.fail(field, "请选择领导。")
    user = User.objects.filter(username=name, is_active=True).first()
    if user is None or not user.has_role(*LEADER_ROLES):
        v.fail(field, f"“{name}”不是县领导或信访局领导账号。")
    return user


def _time(data: dict, field: str, label: str, *, required: bool = True) -> dt.time | None:
    raw = str(data.get(field) or "").strip()
    if not raw:
        if required:
            v.fail(field, f"请填写{label}。")
        return None
    try:
        return dt.time.fromisoformat(raw)
    except ValueError:
        v.fail(field, f"{label}“{raw}”不是有效时间（格式 HH:MM）。")
    return None


def session_starts_at(session: ReceptionSession) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(session.date, session.start_time))


def _session_values(data: dict, *, partial: bool = False, current: ReceptionSession | None = None) -> dict:
    out: dict = {}

    def has(name):
        return not partial or name in data

    if has("kind"):
        out["kind"] = v.choice(data, "kind", "接访类型", SessionKind)
    if has("leader"):
        out["leader"] = leader_by_username(data.get("leader"))
    if has("date"):
        out["date"] = v.date_value(data, "date", "接访日期")
    if has("start_time"):
        out["start_time"] = _time(data, "start_time", "开始时间")
    if has("end_time"):
        out["end_time"] = _time(data, "end_time", "结束时间", required=False)
    if has("place"):
        out["place"] = v.text(data, "place", "地点", max_length=120)
    if has("topic"):
        out["topic"] = v.text(data, "topic", "主题", required=False, max_length=200)
    if has("capacity"):
        out["capacity"] = v.integer(data, "capacity", "可预约人数", required=False, minimum=1, maximum=500)
    if has("published"):
        out["published"] = v.boolean(data, "published", default=False)
    if has("town"):
        code = str(data.get("town") or "").strip()
        out["town"] = lookups.unit_by_code(code, field="town", label="下访乡镇") if code else None
    start = out.get("start_time", current.start_time if current else None)
    end = out.get("end_time", current.end_time if current else None)
    if start and end and end <= start:
        v.fail("end_time", "结束时间应晚于开始时间。")
    kind = out.get("kind", current.kind if current else "")
    if out.get("published", current.published if current else False) and kind != SessionKind.RECEPTION_DAY:
        v.fail("published", "只有领导接访日在门户公布并接受预约；约访、下访由信访局安排。")
    return out


def session_create(*, actor, data: dict) -> ReceptionSession:
    if not runs_receptions(actor):
        raise NotAllowed("只有信访局工作人员可以安排领导接访。")
    values = _session_values(data)
    if values["date"] < timezone.localdate() and values.get("published"):
        v.fail("date", "不能公布已经过去的接访日。")
    with transaction.atomic():
        return ReceptionSession.objects.create(created_by=actor, **values)


def session_update(*, actor, session_id, data: dict) -> ReceptionSession:
    if not runs_receptions(actor):
        raise NotAllowed("只有信访局工作人员可以修改领导接访安排。")
    with transaction.atomic():
        session = _session(session_id, for_update=True)
        values = _session_values(data, partial=True, current=session)
        if "capacity" in values and values["capacity"] is not None:
            taken = session.bookings.filter(status__in=LIVE_BOOKING).count()
            if values["capacity"] < taken:
                v.fail("capacity", f"已有 {taken} 人预约，可预约人数不能少于 {taken}。")
        for key, value in values.items():
            setattr(session, key, value)
        session.save()
        return session


def _session(session_id, *, for_update: bool = False) -> ReceptionSession:
    qs = ReceptionSession.objects.select_related("leader")
    if for_update:
        qs = qs.select_for_update()
    try:
        session = qs.filter(pk=int(session_id)).first()
    except (TypeError, ValueError):
        session = None
    if session is None:
        raise NotVisible("未找到该接访安排。")
    return session


def free_places(session: ReceptionSession, taken: int | None = None) -> int | None:
    if session.capacity is None:
        return None
    if taken is None:
        taken = session.bookings.filter(status__in=LIVE_BOOKING).count()
    return max(session.capacity - taken, 0)


def _new_code() -> str:
    return "YY" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))


def _bookable(session: ReceptionSession, now: dt.datetime) -> None:
    if not session.published or session.kind != SessionKind.RECEPTION_DAY:
        raise StateConflict("该接访日未公布，不能预约。")
    if session_starts_at(session) <= now:
        raise StateConflict("该接访日已经开始或已过，不能再预约，请选择其他接访日。")


def booking_create(*, session_id, data: dict, matter=None, notify: bool = True) -> tuple[Booking, bool]:
    """A petitioner books a place (no account). Returns (booking, created). ``matter`` is the matter
    the caller proved with its 查询码 (the portal checks the code, with its throttling)."""
    name = v.text(data, "name", "姓名", max_length=40)
    phone = v.normalize_phone(str(data.get("phone") or ""))
    if not phone:
        v.fail("phone", "请填写手机号码（预约码将以短信发送）。")
    if not v.is_mobile(phone):
        v.fail("phone", "请填写手机号码，预约码将以短信发送到该号码。")
    summary = v.text(data, "summary", "反映的问题", max_length=2000)
    with transaction.atomic():
        session = _session(session_id, for_update=True)
        existing = session.bookings.filter(phone=phone).exclude(status=BookingStatus.CANCELLED).first()
        if existing is not None:
            return existing, False
        _bookable(session, timezone.now())
        if free_places(session) == 0:
            raise StateConflict("该接访日预约已满，请选择其他接访日。")
        for _ in range(5):
            try:
                with transaction.atomic():
                    booking = Booking.objects.create(session=session, booking_code=_new_code(), name=name, phone=phone,
                                                     summary=summary, matter=matter)
                break
            except IntegrityError:
                existing = session.bookings.filter(phone=phone).exclude(status=BookingStatus.CANCELLED).first()
                if existing is not None:
                    return existing, False
        else:  # pragma: no cover - five random collisions of 40 bits
            raise StateConflict("预约码生成失败，请重试。")
        if notify:
            queue_booking_sms(booking, "booked")
        return booking, True


def proved_matter(data: dict, ip: str | None):
    """The petitioner's own matter, proved with its 查询码 (the portal's check and throttling)."""
    number = str(data.get("matter_number") or "").strip()
    code = str(data.get("query_code") or "").strip()
    if not number and not code:
        return None
    if not (number and code):
        field = "query_code" if number else "matter_number"
        raise InvalidInput("关联已有信访事项须同时填写事项编号和查询码。", fields={field: "请同时填写事项编号和查询码"})
    return authenticate(number=number, code=code, ip=ip, via="booking").matter


def _booking(booking_id, *, for_update: bool = False) -> Booking:
    qs = Booking.objects.select_related("session", "session__leader")
    if for_update:
        qs = qs.select_for_update()
    try:
        booking = qs.filter(pk=int(booking_id)).first()
    except (TypeError, ValueError):
        booking = None
    if booking is None:
        raise NotVisible("未找到该预约。")
    return booking


def booking_confirm(*, actor, booking_id, notify: bool = True) -> Booking:
    if not runs_receptions(actor):
        raise NotAllowed("只有信访局工作人员可以确认预约。")
    with transaction.atomic():
        booking = _booking(booking_id, for_update=True)
        if booking.status != BookingStatus.PENDING:
            raise StateConflict(f"该预约当前为“{booking.get_status_display()}”，不能确认。")
        booking.status = BookingStatus.CONFIRMED
        booking.handled_by, booking.handled_at = actor, timezone.now()
        booking.save(update_fields=["status", "handled_by", "handled_at"])
        if notify:
            queue_booking_sms(booking, "confirmed")
        return booking


def booking_reschedule(*, actor, booking_id, data: dict, notify: bool = True) -> Booking:
    """Move a booking to another session (any kind), confirmed; the petitioner is told by SMS."""
    if not runs_receptions(actor):
        raise NotAllowed("只有信访局工作人员可以改约。")
    note = v.text(data, "note", "改约说明", required=False, max_length=200)
    target_id = data.get("session")
    if not target_id:
        v.fail("session", "请选择改约到的接访安排。")
    with transaction.atomic():
        booking = _booking(booking_id, for_update=True)
        if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise StateConflict(f"该预约当前为“{booking.get_status_display()}”，不能改约。")
        target = _session(target_id, for_update=True)
        if target.pk == booking.session_id:
            v.fail("session", "改约的接访安排与原安排相同。")
        if session_starts_at(target) <= timezone.now():
            raise StateConflict("改约到的接访安排已经开始或已过。")
        if free_places(target) == 0:
            raise StateConflict("改约到的接访安排已约满。")
        if target.bookings.filter(phone=booking.phone).exclude(status=BookingStatus.CANCELLED).exists():
            raise StateConflict("该信访人已预约改约到的接访安排。")
        booking.rescheduled_from_id = booking.session_id
        booking.session = target
        booking.status = BookingStatus.CONFIRMED
        booking.note = note
        booking.handled_by, booking.handled_at = actor, timezone.now()
        booking.save(update_fields=["rescheduled_from", "session", "status", "note", "handled_by", "handled_at"])
        if notify:
            queue_booking_sms(booking, "rescheduled")
        return booking


def booking_cancel(*, actor, booking_id, data: dict) -> Booking:
    if not runs_receptions(actor):
        raise NotAllowed("只有信访局工作人员可以取消预约。")
    note = v.text(data, "note", "取消原因", max_length=200)
    with transaction.atomic():
        booking = _booking(booking_id, for_update=True)
        if booking.status not in (BookingStatus.PENDING, BookingStatus.CONFIRMED):
            raise StateConflict(f"该预约当前为“{booking.get_status_display()}”，不能取消。")
        booking.status = BookingStatus.CANCELLED
        booking.note = note
        booking.handled_by, booking.handled_at = actor, timezone.now()
        booking.save(update_fields=["status", "note", "handled_by", "handled_at"])
        return booking


def queue_booking_sms(booking: Booking, key: str) -> None:
    """In the act's transaction: one SMS row in the notifications outbox (sent after commit, retried by the
    outbox runner on a gateway failure; a failure never undoes the booking). Kept on the booking as ``sms``."""
    s = ReceptionSession.objects.select_related("leader").get(pk=booking.session_id)
    row = queue_message(
        key=f"booking:{booking.pk}:{key}:{s.pk}", recipient=booking.phone, template_key=TemplateKey(f"reception_{key}"),
        code=booking.booking_code,
        params={"date": s.date.isoformat(), "time": s.start_time.strftime("%H:%M"),
                "leader": s.leader.full_name or s.leader.username, "place": s.place},
        matter=booking.matter if booking.matter_id else None)
    if row is not None:
        Booking.objects.filter(pk=booking.pk).update(sms=row)
        booking.sms = row


# ---- reception records -----------------------------------------------------------------------


def may_record(user, session: ReceptionSession) -> bool:
    return runs_receptions(user) or (is_county_leader(user) and session.leader_id == user.pk)


def record_create(*, actor, session_id, data: dict) -> ReceptionRecord:
    """Record a reception: who came (a booking, an existing matter, or a new petition registered on
    the spot), the summary, the leader's 批示 and the tasks given."""
    with transaction.atomic():
        session = _session(session_id, for_update=True)
        if not may_record(actor, session):
            raise NotAllowed("只有信访局工作人员或接访领导本人可以录入接访记录。")
        summary = v.text(data, "summary", "接访情况", max_length=10000)
        instructions = v.text(data, "instructions", "领导批示", required=False, max_length=5000)
        visitor = v.text(data, "visitor", "来访人", required=False, max_length=80)
        if session.date > timezone.localdate():
            raise StateConflict("接访尚未举行，不能录入接访记录。")
        tasks = parse_tasks(data.get("tasks"), not_before=session.date, before_label="接访日期")
        booking = None
        if data.get("booking") not in (None, ""):
            booking = _booking(data["booking"], for_update=True)
            if booking.session_id != session.pk:
                v.fail("booking", "该预约不属于本次接访。")
            if booking.status == BookingStatus.RECEIVED or ReceptionRecord.objects.filter(booking=booking).exists():
                raise StateConflict("该预约已录入接访记录。")
            if booking.status == BookingStatus.CANCELLED:
                raise StateConflict("该预约已取消。")
        matter = None
        number = str(data.get("matter") or "").strip()
        if number:
            matter = access_matter(actor, number, for_update=True)
        elif data.get("new_petition"):
            matter = _register_on_the_spot(actor, data["new_petition"])
        elif booking is not None and booking.matter_id:
            matter = Matter.objects.select_for_update().get(pk=booking.matter_id)
        now = timezone.now()
        record = ReceptionRecord.objects.create(
            session=session, booking=booking, matter=matter, summary=summary, instructions=instructions,
            visitor=visitor or (booking.name if booking else ""), recorded_by=actor, recorded_at=now)
        if booking is not None:
            booking.status = BookingStatus.RECEIVED
            booking.matter = booking.matter or matter
            booking.save(update_fields=["status", "matter"])
        create_tasks(tasks, source=TaskSource.RECEPTION, actor=actor, at=now, record=record, matter=matter)
        if matter is not None:
            record.event = matter_acts.receive(actor=actor, matter=matter, record=record)
            record.save(update_fields=["event"])
        return record


def _register_on_the_spot(actor, petition: dict):
    """A new petition registered during the reception (channel 来访), through the core service."""
    from xinfang.matters.services.registration import register_petition

    if not isinstance(petition, dict):
        raise InvalidInput("现场登记的信访件格式错误。", fields={"new_petition": "应为对象"})
    data = {"channel": "visit", "received_at": timezone.now().isoformat(), **petition}
    matter = register_petition(actor=actor, data=data).matter
    return Matter.objects.select_for_update().get(pk=matter.pk)


def units_for_tasks():
    return Unit.objects.filter(active=True, kind__in=COUNTY_KINDS).order_by("kind", "code")
