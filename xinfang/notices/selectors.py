"""Reading a person's notices; a notice naming a matter the person may no longer see shows no title or link."""

from __future__ import annotations

from xinfang.matters.access import visible_matters

from .models import StaffNotice


def notices_page(user, *, unread_only: bool = False):
    qs = StaffNotice.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs


def redact(user, notices: list[StaffNotice]) -> list[StaffNotice]:
    numbers = {n.matter_number for n in notices if n.matter_number}
    visible = set(visible_matters(user).filter(number__in=numbers).values_list("number", flat=True)) if numbers else set()
    for n in notices:
        n.hidden = bool(n.matter_number) and n.matter_number not in visible
        if n.hidden:
            n.title, n.body, n.url = "（该事项已不在您的办理范围）", "", ""
    return notices
