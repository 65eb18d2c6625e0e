"""Data for the ledger tests, built through the services."""

from __future__ import annotations

from xinfang.org.models import User
from xinfang.testing.factories import act, register

from ..services import suggestions


def suggestion(county, *, answered: bool = True, **overrides):
    """A suggestion matter; answered directly by the bureau (closed/answered) unless told not to."""
    matter = register(county, purpose="suggestion", **overrides).matter
    if answered:
        matter = act(county, "registrar", matter, "answer", reply="感谢您的建议，已转有关部门研究。")
    return matter


def adopt(county, matter, adoption="adopted", **extra):
    data = {"adoption": adoption, "note": "已吸收进工作方案", **extra}
    return suggestions.adopt(actor=county.users["officer"], number=matter.number, data=data)


def second_leader(county) -> User:
    user = User(username="bleader2", full_name="副局长", unit=county.bureau, roles=["bureau_leader"])
    user.set_password("pass-1234-word")
    user.save()
    county.users["bleader2"] = user
    return user


def make_world(county) -> dict:
    from ..services import fund, library, proposals, publicity, risks

    officer, leader = county.users["officer"], county.users["bleader"]
    matter = suggestion(county)
    adopt(county, matter, reward="建议表彰")
    proposal = proposals.proposal_create(actor=officer, data={
        "kind": "npc", "number": "101", "session": "十八届三次", "title": "关于规范物业收费的建议", "proposer": "王代表",
        "received_on": "2026-03-01", "unit": "T01", "co_units": ["D01"], "content": "建议加强物业收费监管。"})
    risk = risks.risk_create(actor=county.users["handler"], data={
        "found_on": "2026-03-05", "summary": "东关村征地补偿纠纷，群众拟集体上访", "people_count": 30, "level": "high",
        "responsible": "李镇长"})
    fund.allocate(actor=leader, data={"year": 2026, "amount": "100000.00", "source": "县财政专项"})
    grant = fund.grant_request(actor=officer, data={"matter": matter.number, "amount": "5000.00", "reason": "生活困难"})
    item = library.item_create(actor=officer, data={
        "kind": "regulation", "title": "信访工作条例", "issuer": "中共中央 国务院", "issued_on": "2022-01-24",
        "effective_on": "2022-05-01", "text": "第一条 为了坚持和加强党对信访工作的全面领导，制定本条例。",
        "categories": [county.category.code]})
    draft = library.item_create(actor=officer, data={"kind": "draft", "title": "信访事项办理规程（草案）",
                                                    "text": "第一条 草案正文。"})
    activity = publicity.publicity_create(actor=officer, data={
        "date": "2026-03-08", "title": "条例宣传进社区", "place": "城关镇广场", "audience_count": 300})
    training = publicity.training_create(actor=officer, data={
        "date": "2026-03-09", "title": "信访业务培训", "hours": "4", "attendees": ["officer", "handler"]})
    return {"matter": matter, "proposal": proposal, "risk": risk, "grant": grant, "item": item, "draft": draft,
            "activity": activity, "training": training}
