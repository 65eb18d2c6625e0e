"""Printable reception register (接访登记表) and meeting minutes (会议纪要), DOCX and PDF.

Rendered on request from the records with the documents app's renderers (same layout as the
official documents, GB/T 9704); they are working papers, not numbered official documents, so
nothing is stored. Every download is written to the access log (they name petitioners).
"""

from __future__ import annotations

from django.utils import timezone

from xinfang.core.masking import mask_phone
from xinfang.documents.renderers.content import DocumentContent, official_date
from xinfang.documents.renderers.docx import render_docx
from xinfang.documents.renderers.pdf import render_pdf
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit

from .choices import LIVE_BOOKING
from .selectors import meeting_decisions, session_bookings, session_records


def _bureau_name() -> str:
    unit = Unit.objects.filter(kind=UnitKind.BUREAU, active=True).order_by("id").first()
    return unit.name if unit else "信访局"


def _tasks_text(tasks) -> str:
    return "；".join(f"{t.unit.name}：{t.text}（{t.due.isoformat()}前，{t.get_status_display()}）" for t in tasks)


def register_content(session) -> DocumentContent:
    leader = session.leader.full_name or session.leader.username
    when = f"{session.date.isoformat()} {session.start_time.strftime('%H:%M')}"
    lines = [f"接访类型：{session.get_kind_display()}；接访领导：{leader}；时间：{when}；地点：{session.place}。"]
    if session.topic:
        lines.append(f"接访主题：{session.topic}。")
    records = session_records(session)
    recorded = {r.booking_id for r in records if r.booking_id}
    for i, r in enumerate(records, 1):
        who = r.visitor or (r.booking.name if r.booking_id else "来访群众")
        matter = f"（事项 {r.matter.number}）" if r.matter_id else ""
        lines.append(f"{i}．{who}{matter}：{r.summary}")
        if r.instructions:
            lines.append(f"领导批示：{r.instructions}")
        tasks = list(r.tasks.all())
        if tasks:
            lines.append(f"交办任务：{_tasks_text(tasks)}")
    waiting = [b for b in session_bookings(session) if b.status in LIVE_BOOKING and b.pk not in recorded]
    if waiting:
        lines.append("预约未录入接待记录：" + "；".join(f"{b.name}（{mask_phone(b.phone)}，预约码{b.booking_code}）" for b in waiting))
    if not records and not waiting:
        lines.append("本次接访尚无登记。")
    return DocumentContent(letterhead=_bureau_name(), doc_number="", title="领导接访登记表", recipient="",
                           paragraphs=lines, signature=_bureau_name(), date_text=official_date(session.date))


def minutes_content(meeting) -> DocumentContent:
    lines = [f"{meeting.date.isoformat()}，{meeting.chair or '会议主持人'}主持召开{meeting.title}"
             f"{('（' + meeting.place + '）') if meeting.place else ''}。"]
    units = [u.name for u in meeting.units.all()]
    if units:
        lines.append(f"参会单位：{'、'.join(units)}。")
    lines.append("会议议定事项如下：")
    for i, d in enumerate(meeting_decisions(meeting), 1):
        numbers = "、".join(m.number for m in d.matters.all())
        lines.append(f"{i}．{d.text}" + (f"（涉及事项：{numbers}）" if numbers else ""))
        tasks = list(d.tasks.all())
        if tasks:
            lines.append(f"任务分工：{_tasks_text(tasks)}")
    return DocumentContent(letterhead=_bureau_name(), doc_number="", title=f"{meeting.title}纪要", recipient="",
                           paragraphs=lines, signature=_bureau_name(), date_text=official_date(meeting.date),
                           copy_to="、".join(units))


def render(content: DocumentContent, fmt: str) -> tuple[bytes, str]:
    if fmt == "docx":
        return render_docx(content), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    pdf, _missing = render_pdf(content)
    return pdf, "application/pdf"


def stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d%H%M")
