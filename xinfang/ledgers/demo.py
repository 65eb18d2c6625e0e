"""The demo county's ledgers: a separate small step after ``load_demo`` (``load_demo_ledgers``).

Every row is written by the ledgers' own services (the same checks as a staff member's act),
with entries in every state: suggestions adopted / partly / not adopted with rewards recommended,
granted and refused and some published; proposals open, overdue, replied and closed with each
rating; risks of every level, open and resolved, monthly reports (nil reports too, some units
missing this month); the fund with allocations and grants pending, approved, refused and paid;
the library with a draft in two versions with comments; publicity and training.
Decision times the services stamp "now" are moved back to plausible days afterwards.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.matters.choices import Purpose
from xinfang.matters.models import Matter
from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Unit, User

from .choices import REPORTING_UNIT_KINDS, Adoption
from .models import (
    FundGrant,
    LedgerPolicy,
    LibraryItem,
    Proposal,
    PublicityActivity,
    Risk,
    RiskReport,
    SuggestionAdoption,
    Training,
)
from .services import fund, library, proposals, publicity, risks, suggestions
from .services.suggestions import ANSWERED_Q

SEED = 20260412
RISK_TEXTS = [
    ("某小区业主因物业费上涨酝酿集体上访", "medium"), ("征地补偿款分配不均，部分村民情绪激烈", "high"),
    ("工地拖欠农民工工资，春节前可能集中讨薪", "high"), ("养殖场异味扰民，周边居民多次到镇政府反映", "low"),
    ("学校合并后接送距离变远，家长联名反映", "medium"), ("村集体土地流转收益分配争议", "medium"),
    ("企业改制遗留职工社保接续问题", "high"), ("道路施工损坏农田灌溉渠", "low"), ("宅基地边界纠纷引发邻里冲突", "low"),
    ("商品房逾期交付，购房户计划集体维权", "high"), ("退役军人安置待遇诉求", "medium"), ("河道采砂影响堤防安全", "low"),
]
LIBRARY = [
    ("regulation", "信访工作条例", "中共中央 国务院", "", "2022-02-25", "2022-05-01", True, [],
     "第一条 为了坚持和加强党对信访工作的全面领导，做好新时代信访工作，保持党和政府同人民群众的密切联系，制定本条例。\n"
     "第二十九条 对信访人反映的情况、提出的建议意见类事项，有权处理的机关和单位应当认真研究论证。对科学合理、具有现实可行性的，"
     "应当采纳或者部分采纳，并予以回复。"),
    ("regulation", "信访条例（2005年）", "国务院", "国务院令第431号", "2005-01-10", "2005-05-01", False, [],
     "已被《信访工作条例》取代，仅供查阅。"),
    ("law", "中华人民共和国劳动合同法（节选）", "全国人民代表大会常务委员会", "主席令第六十五号", "2007-06-29", "2008-01-01", True,
     ["050000"], "第三十条 用人单位应当按照劳动合同约定和国家规定，向劳动者及时足额支付劳动报酬。"),
    ("regulation", "物业管理条例（节选）", "国务院", "国务院令第379号", "2003-06-08", "2003-09-01", True, ["080000", "010000"],
     "第七条 业主在物业管理活动中，应当履行下列义务：……按时交纳物业服务费用。"),
    ("policy", "示范县信访事项简易办理实施办法", "示范县信访工作联席会议", "示信联〔2025〕3号", "2025-03-01", "2025-04-01", True, [],
     "对事实清楚、责任明确、争议不大的信访事项，可以简易办理，在10日内答复。"),
    ("case", "典型案例：村集体土地流转收益分配争议的化解", "示范县信访局", "", "2025-09-10", None, True, ["020000"],
     "基本案情：某村村民反映土地流转收益分配不公……化解过程：镇村两级组织召开村民代表会议，公开账目，重新确定分配方案。"),
    ("internal", "示范县信访局督查督办工作制度", "示范县信访局", "示信发〔2024〕12号", "2024-05-01", "2024-05-01", True, [],
     "第一条 为规范督查督办工作，推动信访事项及时就地解决，制定本制度。"),
]


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def is_loaded() -> bool:
    return Proposal.objects.exists() or LibraryItem.objects.exists()


def load(seed: int = SEED) -> dict:
    """Idempotent: does nothing when the ledgers already hold data."""
    if is_loaded():
        return {"status": "already loaded"}
    rng = random.Random(seed)
    users = {u.username: u for u in User.objects.all()}
    today = timezone.localdate()
    counts: dict = {}
    with transaction.atomic():
        LedgerPolicy.objects.create(version=1, note="演示：月报自半年前起", risk_reports_from=_month_back(today, 5))
        counts["suggestions"] = _suggestions(rng, users, today)
        counts["proposals"] = _proposals(rng, users, today)
        counts["risks"], counts["reports"] = _risks(rng, users, today)
        counts["grants"] = _fund(rng, users, today)
        counts["library"] = _library(users)
        counts["publicity"], counts["trainings"] = _publicity(rng, users, today)
    return counts


def _month_back(day: dt.date, months: int) -> dt.date:
    first = day.replace(day=1)
    for _ in range(months):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return first


def _suggestions(rng, users, today) -> int:
    officer, leader = users["officer"], users["bleader"]
    matters = list(Matter.objects.filter(ANSWERED_Q, purpose=Purpose.SUGGESTION).order_by("received_at")[:40])
    done = 0
    for i, m in enumerate(matters):
        if i % 5 == 4:
            continue  # answered, decision not recorded yet
        adoption = [Adoption.ADOPTED, Adoption.PARTLY_ADOPTED, Adoption.NOT_ADOPTED][i % 3]
        note = {"adopted": "建议已吸收进相关工作方案并落实。", "partly_adopted": "部分意见已采纳，其余纳入下一步研究。",
                "not_adopted": ""}[adoption]
        reward = "建议按人民建议征集办法给予表彰奖励" if adoption == Adoption.ADOPTED and i % 2 == 0 else ""
        suggestions.adopt(actor=officer, number=m.number, data={"adoption": adoption, "note": note, "reward": reward})
        if reward and i % 4 == 0:
            suggestions.reward_decide(actor=leader, number=m.number, data={"outcome": "granted", "amount": "500.00"})
        elif reward and i % 4 == 2 and i > 20:
            suggestions.reward_decide(actor=leader, number=m.number, data={"outcome": "refused", "note": "不符合奖励条件"})
        if adoption != Adoption.NOT_ADOPTED and i % 3 != 2 and i % 2 == 0:
            suggestions.publish(actor=officer, number=m.number, data={
                "consent": True, "show_name": i % 6 == 0, "public_title": m.title,
                "public_text": f"群众建议：{m.title}。办理情况：{note}"})
        decided = min(_at(today), (m.closed_at or m.last_event_at or m.received_at) + dt.timedelta(days=rng.randint(3, 20)))
        SuggestionAdoption.objects.filter(matter=m).update(decided_at=decided)
        SuggestionAdoption.objects.filter(matter=m, published=True).update(published_at=decided)
        done += 1
    return done


def _proposals(rng, users, today) -> int:
    officer = users["officer"]
    units = list(Unit.objects.filter(kind__in=REPORTING_UNIT_KINDS, active=True).order_by("code")[:10])
    topics = ["关于加强农村饮水安全保障的建议", "关于规范住宅小区物业服务收费的建议", "关于解决城区停车难问题的提案",
              "关于加大农民工工资支付保障力度的建议", "关于推进信访事项网上办理的提案", "关于完善农村养老服务体系的提案",
              "关于整治城区噪声污染的建议", "关于加快老旧小区改造的建议", "关于规范校外培训机构的提案",
              "关于改善乡镇卫生院就医条件的建议", "关于加强河道采砂管理的提案", "关于提升基层矛盾调解能力的建议"]
    n = 0
    for i, title in enumerate(topics):
        kind = "npc" if "建议" in title[-3:] else "cppcc"
        received = today - dt.timedelta(days=[200, 170, 150, 130, 120, 100, 95, 60, 40, 20, 10, 5][i])
        unit = units[i % len(units)] if i % 4 else Unit.objects.get(code="XFJ")
        p = proposals.proposal_create(actor=officer, data={
            "kind": kind, "number": f"{'J' if kind == 'npc' else 'T'}{2026 if received.year >= 2026 else received.year}-{i + 1:03d}",
            "session": "十八届人大五次会议" if kind == "npc" else "十三届政协五次会议", "title": title,
            "proposer": ["王建华代表", "刘秀英委员", "陈立军代表", "赵丽娟委员"][i % 4], "received_on": received.isoformat(),
            "urgent": i == 9, "unit": unit.code, "co_units": [units[(i + 3) % len(units)].code] if i % 3 == 0 else [],
            "content": f"{title}。建议有关部门深入调研，制定切实可行的措施，并及时向代表委员反馈办理情况。"})
        n += 1
        if i in (2, 6):  # left open past the due day: the engine urges the unit
            continue
        if i < 8:
            replier = officer if unit.code == "XFJ" else users.get(f"{unit.code.lower()}_handler", officer)
            when = min(p.due, today - dt.timedelta(days=3)) - dt.timedelta(days=rng.randint(0, 20))
            proposals.proposal_reply(actor=replier, pk=p.pk, data={
                "text": "经认真研究，已会同有关部门制定整改措施并落实，现将办理情况答复如下……",
                "doc_number": f"示{unit.short_name or unit.name[:2]}函〔{when.year}〕{i + 10}号", "occurred_at": _at(when).isoformat()})
            if i in (0, 1, 4, 7):
                rating = {0: "satisfied", 1: "basically_satisfied", 4: "dissatisfied", 7: "satisfied"}[i]
                proposals.proposal_feedback(actor=officer, pk=p.pk, data={"rating": rating})
                Proposal.objects.filter(pk=p.pk).update(feedback_at=_at(min(today, when + dt.timedelta(days=10))))
    return n


def _risks(rng, users, today) -> tuple[int, int]:
    officer = users["officer"]
    units = list(Unit.objects.filter(kind__in=REPORTING_UNIT_KINDS, active=True).order_by("kind", "code"))
    created = reported = 0
    months = [_month_back(today, k) for k in range(5, -1, -1)]
    for u_index, unit in enumerate(units):
        actor = users.get(f"{unit.code.lower()}_handler", officer)
        for month in months:
            is_current = month == months[-1]
            if is_current and u_index % 3 == 0:
                continue  # has not reported this month yet
            if unit.kind == UnitKind.DEPARTMENT and u_index % 4 != 0 and not is_current and rng.random() < 0.3:
                continue  # a missed month
            found = 0
            if unit.kind == UnitKind.TOWN and rng.random() < 0.45:
                last = min(today, (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
                for _ in range(rng.randint(1, 2)):
                    text, level = RISK_TEXTS[rng.randrange(len(RISK_TEXTS))]
                    day = month + dt.timedelta(days=rng.randint(0, max(0, (last - month).days)))
                    risk = risks.risk_create(actor=actor, data={
                        "unit": unit.code, "found_on": day.isoformat(), "summary": f"{unit.short_name or unit.name}：{text}",
                        "people_count": rng.randint(3, 60), "level": level, "responsible": f"{unit.short_name or unit.name[:3]}分管领导",
                        "measures": "已安排专人包案，开展走访，做好政策解释。"})
                    created += 1
                    found += 1
                    if (today - day).days > 30 and rng.random() < 0.7:
                        risks.risk_resolve(actor=actor, pk=risk.pk, data={
                            "measures": "经协调，当事各方达成一致，诉求已解决。",
                            "resolved_on": min(today, day + dt.timedelta(days=rng.randint(5, 25))).isoformat()})
            try:
                risks.report_file(actor=actor, data={"unit": unit.code, "month": month.strftime("%Y-%m"), "nil_report": found == 0})
            except AppError:
                risks.report_file(actor=actor, data={"unit": unit.code, "month": month.strftime("%Y-%m"), "nil_report": False})
            end = min(_at(today), _at((month + dt.timedelta(days=32)).replace(day=1)) + dt.timedelta(days=rng.randint(0, 4)))
            RiskReport.objects.filter(unit=unit, month=month).update(filed_at=end)
            reported += 1
    Risk.objects.update(created_at=timezone.now())
    return created, reported


def _fund(rng, users, today) -> int:
    officer, leader = users["officer"], users["bleader"]
    for year, amount in ((today.year - 1, "300000.00"), (today.year, "200000.00")):
        fund.allocate(actor=leader, data={"year": year, "amount": amount, "source": "县财政特殊疑难信访问题专项资金"})
    fund.allocate(actor=leader, data={"year": today.year, "amount": "50000.00", "source": "市级补助资金"})
    open_matters = Matter.objects.filter(is_major=False).exclude(status="registered").order_by("-received_at")
    # last year's grants are on matters received last year (a request never predates its matter)
    matters = list(open_matters.filter(received_at__year=today.year)[:7]) + list(
        open_matters.filter(received_at__year=today.year - 1)[:3])
    n = 0
    for i, m in enumerate(matters):
        year = today.year if i < 7 else today.year - 1
        g = fund.grant_request(actor=officer, data={
            "matter": m.number, "amount": f"{rng.choice([3000, 5000, 8000, 12000, 20000])}.00", "year": year,
            "reason": "信访人家庭生活特别困难，诉求部分合理但无法通过现行政策解决，经研究拟给予一次性救助。"})
        n += 1
        if i in (0, 1):
            continue  # pending
        if i == 2:
            fund.grant_reject(actor=leader, pk=g.pk, data={"note": "可通过民政救助渠道解决，不纳入补助资金。"})
            continue
        fund.grant_approve(actor=leader, pk=g.pk, data={"note": "同意"})
        if i >= 4:
            fund.grant_pay(actor=officer, pk=g.pk, data={"paid_on": today.isoformat(), "note": "银行转账至信访人账户，凭证已存档"})
    last_year = today.replace(month=1, day=1) - dt.timedelta(days=60)  # early November of last year
    last = FundGrant.objects.filter(fund_year__year=today.year - 1)
    last.update(requested_at=_at(last_year), decided_at=_at(last_year + dt.timedelta(days=7)))
    last.filter(status="paid").update(paid_on=last_year + dt.timedelta(days=14))
    return n


def _library(users) -> int:
    officer = users["officer"]
    known = set(Category.objects.values_list("code", flat=True))
    for kind, title, issuer, number, issued, effective_on, effective, cats, text in LIBRARY:
        cats = [c for c in cats if c in known]
        item = library.item_create(actor=officer, data={
            "kind": kind, "title": title, "issuer": issuer, "doc_number": number, "issued_on": issued,
            "effective_on": effective_on, "effective": effective, "categories": cats, "text": text})
        if kind in ("regulation", "law", "case") and effective:
            library.item_publish(actor=officer, pk=item.pk, data={"published": True})
    draft = library.item_create(actor=officer, data={
        "kind": "draft", "title": "示范县人民建议征集和奖励办法（征求意见稿）", "issuer": "示范县信访局",
        "text": "第一条 为鼓励群众建言献策，规范人民建议征集工作，根据《信访工作条例》第二十九条，制定本办法。\n第八条 建议被采纳的，给予500元至5000元奖励。"})
    library.comment_add(actor=users.get("t01_handler", officer), pk=draft.pk, data={"text": "第八条奖励标准建议分档，并明确资金来源。"})
    library.item_update(actor=officer, pk=draft.pk, data={
        "kind": "draft", "title": draft.title, "issuer": "示范县信访局", "effective": False, "note": "吸收乡镇意见，奖励分三档",
        "text": draft.text.replace("给予500元至5000元奖励。", "按一般、重要、重大三档给予500元、2000元、5000元奖励，资金由县财政保障。")})
    library.comment_add(actor=users.get("d01_handler", officer), pk=draft.pk, data={"text": "同意修改稿。"})
    return LibraryItem.objects.count()


def _publicity(rng, users, today) -> tuple[int, int]:
    officer = users["officer"]
    places = ["城关镇文化广场", "县政务服务中心", "河西乡集市", "县职业中专", "城东街道社区服务中心"]
    days = [today - dt.timedelta(days=d) for d in (420, 330, 250, 120, 30)]
    for i, day in enumerate(days):
        publicity.publicity_create(actor=officer, data={
            "date": day.isoformat(), "title": ["《信访工作条例》宣传月活动", "信访法治宣传进社区", "“法治信访”集市宣传",
                                                 "信访知识进校园", "《信访工作条例》施行纪念日宣传"][i],
            "place": places[i], "audience_count": rng.randint(80, 600), "material": "发放宣传手册、现场解答群众咨询"})
    staff = [u for u in users if u in ("officer", "officer2", "officer3", "registrar", "registrar2", "bleader")]
    towns = [u for u in users if u.endswith("_handler") and u.startswith("t")][:12]
    sessions = [(300, "全县信访干部业务培训班", "8"), (200, "网上信访系统操作培训", "3"), (90, "《信访工作条例》专题辅导", "4"),
                (25, "信访事项办理规范化培训", "6")]
    for days_back, title, hours in sessions:
        day = today - dt.timedelta(days=days_back)
        publicity.training_create(actor=officer, data={
            "date": day.isoformat(), "title": title, "hours": hours, "place": "县委党校", "organizer": "示范县信访局",
            "attendees": staff + towns[: rng.randint(min(4, len(towns)), len(towns))]})
    return PublicityActivity.objects.count(), Training.objects.count()
