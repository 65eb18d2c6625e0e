"""What the petitioner does after the query code was checked: evaluate, apply for 复查/复核, 催办.

Workflow acts go through ``perform_action(actor=None, via="portal")`` (the core writes the event);
a reminder request is not a workflow act and is stored in ``PetitionerReminder``.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import NotAllowed, StateConflict
from xinfang.core.validation import text
from xinfang.matters.choices import State
from xinfang.matters.models import Deadline, Matter, Petition
from xinfang.matters.services.actions import perform_action
from xinfang.notices.services import notify_petitioner_reminder as notify_reminder
from xinfang.org.choices import Role
from xinfang.org.permissions import BUREAU_ROLES
from xinfang.workdays.rules import CLOCK_RULES, ClockKind

from ..models import PetitionerReminder

# Authority clocks a petitioner may press for when they run past due (report is internal).
PRESSABLE = (ClockKind.DISPOSE, ClockKind.ACCEPT, ClockKind.HANDLE, ClockKind.REVIEW, ClockKind.RECHECK)


def evaluate(*, petition: Petition, target: str, rating: str, comment: str = "") -> Matter:
    """The petitioner's rating; "不满意 needs a reason" is the evaluate declaration's own rule."""
    return perform_action(actor=None, number=petition.matter.number, action="evaluate", via="portal",
                          params={"target": target, "rating": rating, "comment": comment})


def appeal_action(matter: Matter) -> str | None:
    """复查 after a reply, 复核 after a review decision (the state decides, the core checks)."""
    if matter.status == State.REPLIED:
        return "request_review"
    if matter.status == State.REVIEWED:
        return "request_recheck"
    return None


def request_appeal(*, petition: Petition, reason: str, files=()) -> Matter:
    """Apply for 复查 or 复核 with reasons and attachments, addressed by the core to the right body."""
    matter = petition.matter
    action = appeal_action(matter)
    if action is None:
        raise StateConflict("该事项当前不能申请复查或复核。")
    label = "复查" if action == "request_review" else "复核"
    reason = text({"reason": reason}, "reason", f"申请{label}的理由", max_length=10000)
    # the files go with the act (checked by the declared ``attachments`` input, visible to the petitioner)
    return perform_action(actor=None, number=matter.number, action=action, via="portal",
                          params={"reason": reason, "attachments": list(files or [])})


def add_material(*, petition: Petition, content: str = "", files=()) -> Matter:
    """补充材料: text and/or files on an open matter, a petition act (the handling unit is told)."""
    return perform_action(actor=None, number=petition.matter.number, action="add_material", via="portal",
                          params={"content": content, "attachments": list(files or [])},
                          facts={"petition": petition.number})


def overdue_deadlines(matter: Matter, today: dt.date | None = None) -> list[Deadline]:
    today = today or timezone.localdate()
    return [
        d for d in Deadline.objects.filter(
            matter=matter, kind__in=[k.value for k in PRESSABLE], met_at__isnull=True, cancelled_at__isnull=True
        ).select_related("unit").order_by("due")
        if today > d.due
    ]


def reminder_interval() -> dt.timedelta:
    return dt.timedelta(days=int(getattr(settings, "XINFANG_PORTAL_REMINDER_INTERVAL_DAYS", 7)))


def recent_reminder(matter: Matter) -> PetitionerReminder | None:
    since = timezone.now() - reminder_interval()
    return matter.portal_reminders.filter(handled=False, created_at__gte=since).order_by("-created_at").first()


ONE_TAP_TEXT = "信访人在网上一键催办，请督促有关机关依法按期办理。"


def request_reminder(*, petition: Petition, text_value: str = "") -> PetitionerReminder:
    """催办: only when an authority's time limit has passed; one open request per interval
    (``XINFANG_PORTAL_REMINDER_INTERVAL_DAYS``). One tap: the text is optional. The bureau's case
    staff and the overdue unit get a staff notice (in the same transaction)."""
    body = text({"text": text_value}, "text", "催办内容", max_length=1000, required=False) or ONE_TAP_TEXT
    with transaction.atomic():
        matter = Matter.objects.select_for_update().get(pk=petition.matter_id)
        overdue = overdue_deadlines(matter)
        if not overdue:
            raise StateConflict("目前各办理环节均未超过法定期限，暂不能催办。期限届满仍未办理的，可在此催办。")
        recent = recent_reminder(matter)
        if recent is not None:
            when = timezone.localtime(recent.created_at).strftime("%Y-%m-%d")
            raise StateConflict(f"您已于 {when} 提交催办，信访局正在督促办理，请勿重复提交。")
        first = overdue[0]
        reminder = PetitionerReminder.objects.create(
            matter=matter, petition=petition, text=body, deadline_kind=first.kind, deadline_due=first.due,
            overdue_unit=first.unit,
        )
        notify_reminder(reminder)
        return reminder


def reminder_mark_handled(*, actor, reminder: PetitionerReminder, note: str = "") -> PetitionerReminder:
    """The bureau records how it followed up a reminder (used by the supervision pages)."""
    if actor is None or not (actor.in_bureau and actor.has_role(*BUREAU_ROLES, Role.ADMIN)):
        raise NotAllowed("只有信访局工作人员可以处理催办。")
    with transaction.atomic():
        reminder = PetitionerReminder.objects.select_for_update().get(pk=reminder.pk)
        if reminder.handled:
            return reminder
        reminder.handled, reminder.handled_at, reminder.handled_by = True, timezone.now(), actor
        reminder.handling_note = (note or "").strip()[:500]
        reminder.save(update_fields=["handled", "handled_at", "handled_by", "handling_note"])
    return reminder


def deadline_label(kind: str) -> str:
    return CLOCK_RULES[ClockKind(kind)].label
