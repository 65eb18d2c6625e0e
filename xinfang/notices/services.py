"""Creating, reading and digesting staff notices. Creation is idempotent (recipient + key)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from xinfang.core import clock
from xinfang.core.errors import InvalidInput
from xinfang.matters.access import users_who_see
from xinfang.matters.choices import OPEN_STATES as OPEN
from xinfang.matters.overdue import running_clocks
from xinfang.notifications.senders import OutgoingMessage, SendError, get_sender
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit, User
from xinfang.org.permissions import UNIT_ROLES, Ability, roles_with

from .models import DigestChoice, NoticeKind, NoticePreference, StaffNotice

log = logging.getLogger(__name__)
CASEWORK_ROLES = tuple(roles_with(Ability.HANDLE_CASES))


def unit_staff(unit: Unit | None, roles: Iterable[str] = UNIT_ROLES) -> list[User]:
    """Active users of ``unit`` holding any of ``roles`` (the bureau: its case officers and leaders)."""
    if unit is None:
        return []
    roles = CASEWORK_ROLES if unit.is_bureau and set(roles) == set(UNIT_ROLES) else tuple(roles)
    users = User.objects.filter(unit=unit, is_active=True)
    return [u for u in users if u.has_role(*roles)]


def notify(users: Iterable[User], *, kind: str, title: str, key: str, body: str = "", url: str = "",
           matter=None, at: dt.datetime | None = None) -> int:
    """One notice per user; a user who may not see ``matter`` gets none (§30: only through the access rule).
    Returns how many notices were new (a repeated ``key`` adds nothing)."""
    users = list(users) if matter is None else users_who_see(users, [matter])  # bounded queries, §30
    if not users:
        return 0
    # Count only what is new: a second run with the same key creates (and reports) nothing.
    have = set(StaffNotice.objects.filter(key=key[:120], recipient__in=users).values_list("recipient_id", flat=True))
    users = [u for u in users if u.pk not in have]
    rows = [StaffNotice(recipient=u, kind=kind, title=title[:200], body=body[:500], url=url[:300],
                        matter_number=getattr(matter, "number", ""), key=key[:120], created_at=at or clock.now())
            for u in users]
    StaffNotice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def unread_count(user) -> int:
    return StaffNotice.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids: Iterable[int] | None = None) -> int:
    qs = StaffNotice.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=clock.now())


def set_digest(user, digest: str) -> NoticePreference:
    if digest not in DigestChoice.values:
        raise InvalidInput("每日摘要方式无效。", fields={"digest": "可选：不发送、短信、电子邮件"})
    pref, _ = NoticePreference.objects.update_or_create(user=user, defaults={"digest": digest})
    return pref


def bureau_caseworkers() -> list[User]:
    return [u for u in User.objects.filter(is_active=True, unit__kind=UnitKind.BUREAU) if u.has_role(*CASEWORK_ROLES)]


def digest_text(user, notices: list[StaffNotice]) -> str:
    heads = "；".join(n.title for n in notices[:3])
    more = f"等 {len(notices)} 条" if len(notices) > 3 else f"共 {len(notices)} 条"
    return f"{user.full_name or user.username}：您有未读工作提醒{more}：{heads}。请登录信访信息系统查看。"


def send_digests(now: dt.datetime | None = None) -> dict:
    """Once a day per person who asked for it: their unread notices since the last digest, by SMS or e-mail."""
    now = now or clock.now()
    today_start = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    sent = skipped = failed = 0
    prefs = (NoticePreference.objects.exclude(digest=DigestChoice.NONE).select_related("user")
             .filter(user__is_active=True))
    for pref in prefs:
        if pref.last_digest_at and pref.last_digest_at >= today_start:
            continue  # already sent today: the engine may run twice
        since = pref.last_digest_at or (now - dt.timedelta(days=1))
        notices = list(StaffNotice.objects.filter(recipient=pref.user, read_at__isnull=True, created_at__gt=since)
                       .order_by("-created_at")[:50])
        address = pref.user.phone if pref.digest == DigestChoice.SMS else pref.user.email
        if not notices or not address:
            skipped += 1
        else:
            message = OutgoingMessage(channel=pref.digest, recipient=address, text=digest_text(pref.user, notices),
                                      template_key="staff_digest", params={"count": len(notices)},
                                      subject="信访信息系统每日工作提醒")
            try:
                get_sender(pref.digest).send(message)
                sent += 1
            except SendError:
                log.exception("digest for user %s failed", pref.user_id)
                failed += 1
                continue
        with transaction.atomic():
            NoticePreference.objects.filter(pk=pref.pk).update(last_digest_at=now)
    return {"sent": sent, "skipped": skipped, "failed": failed}




def notify_record(record) -> int:
    """A supervision record (提醒/催办/督办单/通报…) reaches the people of the unit it is addressed to."""
    kind = NoticeKind.URGED if record.trigger == "petitioner" else NoticeKind.SUPERVISION
    matters = list(record.matters.all()[:2])
    title = f"{record.get_kind_display()}：{record.title}"
    users = unit_staff(record.target_unit)
    if matters:  # only people who may see every named matter (§30)
        allowed = users_who_see(users, matters)
    else:
        allowed = users
    return notify(allowed, kind=kind, title=title, key=f"record:{record.pk}", url=f"/supervision/records/{record.pk}/",
                  body=(f"请于 {record.response_due:%Y-%m-%d} 前答复。" if record.response_due else ""))


def handlers_of(matter) -> list[User]:
    """Who handles the matter now: the handling unit's staff, or the bureau's case staff while it holds it."""
    if matter.handling_unit_id is not None:
        return unit_staff(matter.handling_unit)
    return bureau_caseworkers()


def notify_petitioner_reminder(reminder) -> int:
    """A petitioner's one-tap 催办 (portal): the bureau's case staff, who press the overdue unit, and that unit."""
    m = reminder.matter
    users = {u.pk: u for u in [*bureau_caseworkers(), *unit_staff(reminder.overdue_unit)]}
    return notify(users.values(), kind=NoticeKind.URGED, key=f"reminder:{reminder.pk}", matter=m,
                  url=f"/matters/{m.number}/", title=f"信访人催办：{m.number} {m.title[:40]}",
                  body=f"{reminder.text[:200]}（应于 {reminder.deadline_due:%Y-%m-%d} 前办理）" if reminder.deadline_due
                  else reminder.text[:200])


def notify_due_soon(today: dt.date, first: dt.date, last: dt.date) -> int:
    """Each running statutory clock falling due between ``first`` and ``last``: once, to the unit it binds."""
    created = 0
    clocks = (running_clocks().filter(due__gte=first, due__lte=last, unit__isnull=False, matter__status__in=OPEN)
              .select_related("matter", "unit"))
    staff: dict[int, list[User]] = {}
    for d in clocks.iterator(chunk_size=500):
        if d.unit_id not in staff:
            staff[d.unit_id] = unit_staff(d.unit)
        created += notify(staff[d.unit_id], kind=NoticeKind.DUE_SOON, key=f"due:{d.pk}:{d.due}", matter=d.matter,
                          url=f"/matters/{d.matter.number}/",
                          title=f"时限临期（{d.due:%Y-%m-%d} 到期）：{d.matter.number} {d.matter.title[:40]}")
    return created
