"""Notices from the acts on a matter (in the act's transaction: the notice and the act are one write)."""

from __future__ import annotations

from xinfang.org.permissions import Ability, roles_with

from .models import NoticeKind
from .services import bureau_caseworkers, handlers_of, notify, unit_staff


def _url(matter) -> str:
    return f"/matters/{matter.number}/"


def on_event(event, matter) -> None:
    a = event.action
    key = f"event:{event.pk}"
    head = f"{matter.number} {matter.title[:40]}"
    if a in ("forward", "assign"):
        verb = "转送" if a == "forward" else "交办"
        notify(unit_staff(matter.handling_unit), kind=NoticeKind.ROUTED, key=key, matter=matter, url=_url(matter),
               title=f"{verb}到本单位：{head}", body="请按期签收受理（《信访工作条例》第二十三条）。")
    elif a == "request_extension":
        notify(unit_staff(matter.handling_unit, roles=tuple(roles_with(Ability.LEAD_UNIT))), kind=NoticeKind.EXTENSION, key=key,
               matter=matter, url=_url(matter), title=f"延期申请待批准：{head}",
               body=f"申请延期 {matter.extension_days} 日：{matter.extension_reason[:200]}")
    elif a == "object":
        notify(bureau_caseworkers(), kind=NoticeKind.RETURN, key=key, matter=matter, url=_url(matter),
               title=f"异议退回待审核：{head}")
    elif a == "add_material":
        files = (event.params or {}).get("attachments") or 0
        notify(handlers_of(matter), kind=NoticeKind.MATERIAL, key=key, matter=matter, url=_url(matter),
               title=f"信访人补充材料：{head}", body=(f"附件 {files} 个。" if files else "") + "请在办理中一并考虑。")
    elif a in ("request_review", "request_recheck"):
        body_unit = matter.review_body if a == "request_review" else matter.recheck_body
        label = "复查" if a == "request_review" else "复核"
        notify(unit_staff(body_unit), kind=NoticeKind.REVIEW, key=key, matter=matter, url=_url(matter),
               title=f"{label}申请：{head}", body=f"请依法按期提出{label}意见。")
