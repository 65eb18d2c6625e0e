"""The leaders' side of the demo county, loaded after the main demo (``manage.py load_demo_leaders``).

Everything goes through the services (as staff of the demo county), so the rows are what the
product would write: reception days (held, upcoming and published, with bookings pending,
confirmed, cancelled and rescheduled), reception records with 批示 and tasks, 包案 on target,
overdue and resolved, a 积案化解 campaign, hearings scheduled, open, closed and concluded, a joint
meeting and a leaders' meeting with tasks open, reported, done and overdue. Execution tasks
(落实) older than 45 days that the main demo's replies created are recorded as carried out, so
that the county is not buried in years-old overdue tasks. Idempotent: a second run does nothing. No SMS goes out (the demo's phone numbers belong to nobody).
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xinfang.demo.generator.accounts import handler_username
from xinfang.matters.choices import State
from xinfang.matters.models import Matter
from xinfang.org.models import User

from .choices import TaskStatus
from .models import LeadersPolicy, ReceptionSession, Task
from .services import cases, hearings, meetings, receptions, tasks

SECRETARY = ("secretary", "高建华")  # 县委书记 (the main demo's cleader 孙立新 is the county head)
PEOPLE = ["王桂兰", "李建国", "张秀英", "刘志强", "陈玉梅", "杨德福", "赵春燕", "黄海波", "周丽娟", "吴永红"]
ISSUES = ["小区物业违规收取停车费", "征地补偿款未足额发放", "拖欠农民工工资", "宅基地界址纠纷", "低保资格被取消",
          "学校周边噪声扰民", "自来水管网改造进度慢", "棚户区改造安置房延期交付"]


def loaded() -> bool:
    return ReceptionSession.objects.exists()


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _secretary() -> User:
    user = User.objects.filter(username=SECRETARY[0]).first()
    if user is None:
        template = _user("cleader")
        user = User.objects.create(username=SECRETARY[0], full_name=SECRETARY[1], unit=template.unit,
                                   roles=["county_leader"], password=template.password)
    return user


def _phone(rng) -> str:
    return f"13{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _day(today: dt.date, days: int) -> str:
    return (today + dt.timedelta(days=days)).isoformat()


def load(seed: int = 20260101) -> dict:
    if loaded():
        return {"status": "already loaded"}
    rng = random.Random(seed)
    today = timezone.localdate()
    officer, registrar = _user("officer"), _user("registrar")
    secretary, head = _secretary(), _user("cleader")
    counts: dict[str, int] = {}
    with transaction.atomic():
        LeadersPolicy.objects.create(version=1, party_secretary=secretary, county_head=head, note="示范县演示设置")
        open_matters = list(Matter.objects.exclude(status=State.CLOSED).filter(handling_unit__isnull=False)
                            .select_related("handling_unit").order_by("received_at")[:60])
        counts.update(_receptions(rng, today, registrar, officer, secretary, head, open_matters))
        counts.update(_cases(today, officer, head, secretary, open_matters))
        counts.update(_meetings(today, officer, open_matters))
        counts.update(_hearings(today, officer))
        counts["old_tasks_closed"] = _close_old_tasks(today, officer)
    return counts


def _receptions(rng, today, registrar, officer, secretary, head, matters) -> dict:
    held = 0
    # 接访日 of the last six months: the county head every month, the secretary missing one month
    for back in range(6, 0, -1):
        first = (today.replace(day=1) - dt.timedelta(days=30 * back)).replace(day=1)
        for leader, day in ((head, 10), (secretary, 18)):
            if leader is secretary and back == 2:
                continue
            when = first.replace(day=day)
            if when >= today:
                continue
            s = receptions.session_create(actor=registrar, data={
                "kind": "reception_day", "leader": leader.username, "date": when.isoformat(), "start_time": "09:00",
                "end_time": "11:30", "place": "县信访局接待大厅", "topic": "群众来访接待", "capacity": 8})
            for i in range(2):
                m = matters[(held * 2 + i) % len(matters)] if matters else None
                due = when + dt.timedelta(days=20)
                receptions.record_create(actor=officer, session_id=s.pk, data={
                    "matter": m.number if m else "", "visitor": PEOPLE[(held + i) % len(PEOPLE)],
                    "summary": f"反映{ISSUES[(held + i) % len(ISSUES)]}问题，要求尽快解决。",
                    "instructions": f"请{m.handling_unit.name if m else '有关单位'}依法核查，{20}日内答复信访人。",
                    "tasks": [{"unit": m.handling_unit.code, "due": due.isoformat(), "text": "核查并答复信访人"}] if m else []})
            held += 1
    # an appointment and a visit down to a town
    receptions.session_create(actor=registrar, data={"kind": "appointment", "leader": head.username, "date": _day(today, -3),
                                                     "start_time": "15:00", "place": "县政府会议室", "topic": "约访重复信访人"})
    receptions.session_create(actor=registrar, data={"kind": "visit_down", "leader": secretary.username, "date": _day(today, 5),
                                                     "start_time": "09:30", "place": "城关镇人民政府", "topic": "下访城关镇", "town": "T01"})
    # published 接访日 ahead, booked from the portal in every state
    upcoming = [receptions.session_create(actor=registrar, data={
        "kind": "reception_day", "leader": leader.username, "date": _day(today, days), "start_time": "09:00",
        "end_time": "11:30", "place": "县信访局接待大厅", "topic": "城乡建设、劳动保障", "capacity": 6, "published": True})
        for leader, days in ((head, 7), (secretary, 14))]
    bookings = []
    for i in range(5):
        b, _ = receptions.booking_create(session_id=upcoming[0].pk, data={
            "name": PEOPLE[i], "phone": _phone(rng), "summary": f"反映{ISSUES[i]}问题"}, notify=False)
        bookings.append(b)
    receptions.booking_confirm(actor=registrar, booking_id=bookings[0].pk, notify=False)
    receptions.booking_confirm(actor=registrar, booking_id=bookings[1].pk, notify=False)
    receptions.booking_cancel(actor=registrar, booking_id=bookings[2].pk, data={"note": "信访人来电取消"})
    receptions.booking_reschedule(actor=registrar, booking_id=bookings[3].pk,
                                  data={"session": upcoming[1].pk, "note": "信访人申请改约"}, notify=False)
    return {"sessions": ReceptionSession.objects.count(), "bookings": len(bookings)}


def _cases(today, officer, head, secretary, matters) -> dict:
    picked = matters[:4]
    made = []
    for i, m in enumerate(picked):
        leader = head if i % 2 == 0 else secretary
        made.append(cases.case_create(actor=officer, number=m.number, data={
            "leader": leader.username, "target_date": _day(today, [30, 0, 45, 20][i]),
            "plan": "包案领导约见信访人，责任单位会同有关部门核查，限期化解。"}))
    for c in made[:3]:
        cases.case_progress(actor=officer, case_id=c.pk, data={"text": "包案领导已约见信访人，听取诉求。"})
    if len(made) > 3:
        cases.case_resolve(actor=officer, case_id=made[3].pk, data={"outcome": "resolved", "note": "问题已解决，信访人表示满意。"})
    # the case due today passes its target tomorrow: the engine will urge it then
    backlog = [m.number for m in matters[:12]]
    campaign = cases.campaign_create(actor=officer, data={
        "name": f"{today.year}年信访积案化解专项行动", "start": _day(today, -60), "end": _day(today, 90),
        "owners": [head.username, secretary.username], "matters": backlog,
        "description": "对办理超过半年和重复信访的事项逐件明确包案领导、责任单位和化解时限。"})
    return {"cases": len(made), "campaign_matters": campaign.matters.count()}


def _meetings(today, officer, matters) -> dict:
    joint = meetings.meeting_create(actor=officer, data={
        "kind": "joint_meeting", "date": _day(today, -40), "title": "县信访工作联席会议第三次全体会议",
        "units": ["T01", "D01", "D03"], "chair": "孙立新", "place": "县政府第一会议室"})
    d = meetings.decision_create(actor=officer, meeting_id=joint.pk, data={
        "text": "城关镇牵头、住建局配合，一个月内解决小区物业停车收费问题；人社局督促清偿拖欠工资。",
        "matters": [m.number for m in matters[:1]],
        "tasks": [{"unit": "T01", "due": _day(today, -10), "text": "牵头约谈物业公司，整改停车收费"},
                  {"unit": "D01", "due": _day(today, -10), "text": "核查物业收费备案情况"},
                  {"unit": "D03", "due": _day(today, 10), "text": "督促企业清偿拖欠工资"}]})
    t_town, _overdue, t_hr = d.tasks.order_by("pk")  # the D01 task stays open and goes overdue
    for task, text in ((t_town, "已约谈物业公司，停车费已按规定调整。"), (t_hr, "已约谈企业负责人，工资已清偿，申请办结。")):
        handler = User.objects.filter(username=handler_username(task.unit.code)).first()
        if handler is not None:
            tasks.task_report(actor=handler, task_id=task.pk, data={"text": text, "done": True})
    tasks.task_complete(actor=officer, task_id=t_town.pk)
    leaders_meeting = meetings.meeting_create(actor=officer, data={
        "kind": "leaders_meeting", "date": _day(today, -2), "title": "重大信访事项专题研判会", "units": ["T02", "D02"]})
    meetings.decision_create(actor=officer, meeting_id=leaders_meeting.pk, data={
        "text": "河西乡征地补偿问题由自然资源局会同河西乡十五日内提出方案。",
        "tasks": [{"unit": "D02", "due": _day(today, 13), "text": "提出征地补偿化解方案"},
                  {"unit": "T02", "due": _day(today, 13), "text": "做好信访人思想疏导"}]})
    return {"meetings": 2}


def _hearings(today, officer) -> dict:
    """Hearings on matters under 复查/复核, one in each state."""
    under = list(Matter.objects.filter(status__in=[State.RECHECK_REQUESTED, State.REVIEW_REQUESTED])
                 .order_by("-last_event_at")[:4])
    now = timezone.now()
    states = []
    for i, m in enumerate(under):
        h = hearings.hearing_create(actor=officer, data={
            "matter": m.number, "scheduled_at": (_at(today + dt.timedelta(days=7), 9, 30) if i == 0 else now).isoformat(),
            "place": "县信访局听证室", "host": "张国庆", "panel": ["钱律师", "孙人大代表", "李政协委员"],
            "participants": "信访人、责任单位代表", "public": i % 2 == 1})
        if i >= 1:
            start = max(m.last_event_at or now, now - dt.timedelta(hours=3))
            hearings.hearing_open(actor=officer, hearing_id=h.pk, data={"occurred_at": start.isoformat()})
        if i >= 2:
            hearings.hearing_close(actor=officer, hearing_id=h.pk, data={})
        if i >= 3:
            hearings.hearing_conclude(actor=officer, hearing_id=h.pk, data={
                "minutes": "信访人陈述诉求及理由；责任单位说明办理经过；听证员询问。",
                "conclusion": "原处理意见认定事实清楚，适用依据正确，建议维持，并对信访人生活困难予以帮扶。"})
        states.append(h.pk)
    return {"hearings": len(states)}


def _close_old_tasks(today, officer) -> int:
    """Tasks due more than 45 days ago (落实 tasks of the main demo's old replies, the old receptions'
    tasks): recorded as carried out — the demo's history."""
    cutoff = today - dt.timedelta(days=45)
    n = 0
    for task in Task.objects.filter(status=TaskStatus.OPEN, due__lt=cutoff).select_related("unit"):
        tasks.task_complete(actor=officer, task_id=task.pk, data={"note": "已落实（历史数据）"})
        n += 1
    return n
