"""Issue 3 "done when": every action of domain §3 can be done from the workbench by the right role.

Each step opens the matter page as that user, checks the action is offered with the fields it
needs, and posts its short form exactly as the browser would (prefix, expected_version). Actions
the petitioner takes (evaluate, 复查/复核 requests) are recorded by bureau staff from paper.
"""

import datetime as dt
import re

import pytest

from xinfang.matters.models import Matter
from xinfang.matters.workflow import ACTIONS
from xinfang.testing.factories import register

pytestmark = pytest.mark.django_db

done: set[str] = set()


def do(web, username, matter, action, **fields):
    """Open the page as `username`, find the action's form, post it; return the refreshed matter."""
    c = web(username)
    page = c.get(f"/matters/{matter.number}/").content.decode()
    assert f'data-action="{action}"' in page, f"{username} is not offered {action} on {matter.status}"
    version = re.search(rf'name="{action}-expected_version" value="(\d+)"', page).group(1)
    for name in fields:
        assert f'name="{action}-{name}"' in page, f"{action} form has no field {name}"
    data = {f"{action}-{k}": v for k, v in fields.items()}
    data[f"{action}-expected_version"] = version
    r = c.post(f"/matters/{matter.number}/act/{action}/", data)
    assert r.status_code == 302, (action, r.status_code, re.findall(r'field__error">([^<]+)', r.content.decode()))
    done.add(action)
    return Matter.objects.get(pk=matter.pk)


def test_every_workflow_action_from_the_matter_page(county, web):
    done.clear()
    # Full path: forward → object → refuse → accept → hearing → extension → reply → deliver →
    # evaluate → 复查 → decision → deliver → 复核 → decision (closed).
    m = register(county).matter
    m = do(web, "officer", m, "forward", unit="T01")
    m = do(web, "handler", m, "acknowledge")
    assert m.acknowledged_at is not None
    m = do(web, "handler", m, "object", reason="不属于本镇职责")
    assert m.status == "return_requested"
    m = do(web, "officer", m, "refuse_return", reason="属地管理")
    assert m.status == "forwarded" and m.return_locked
    m = do(web, "handler", m, "accept")
    m = do(web, "handler", m, "start_hearing", note="组织听证")
    m = do(web, "handler", m, "end_hearing")
    m = do(web, "handler", m, "request_extension", days="10", reason="需现场核查")
    m = do(web, "handler", m, "withdraw_extension", reason="核查已完成")
    m = do(web, "handler", m, "request_extension", days="15", reason="需现场核查")
    m = do(web, "uleader", m, "refuse_extension", reason="理由不充分")
    assert m.extension_days == 0
    m = do(web, "handler", m, "request_extension", days="10", reason="需现场核查")
    m = do(web, "uleader", m, "approve_extension")
    assert m.extension_approved
    m = do(web, "handler", m, "reply", outcome="explain", opinion="已作解释说明。", legal_basis="《物业管理条例》")
    assert m.status == "replied"
    m = do(web, "handler", m, "deliver", method="in_person", signed="true")
    m = do(web, "officer", m, "evaluate", target="bureau", rating="satisfied")
    m = do(web, "officer", m, "request_review", reason="信访人书面申请复查")
    assert m.status == "review_requested" and m.review_body.code == "GOV"
    m = do(web, "officer", m, "review_decide", outcome="uphold", opinion="维持原处理意见。")
    assert m.status == "reviewed"
    m = do(web, "officer", m, "deliver", method="mail", signed="true")
    m = do(web, "officer", m, "request_recheck", reason="信访人书面申请复核")
    m = do(web, "officer", m, "recheck_decide", outcome="uphold", opinion="维持复查意见。")
    assert m.status == "closed" and m.close_reason == "rechecked"

    # Assign, object, the bureau agrees to the return, then answers directly.
    m = register(county).matter
    report_due = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    m = do(web, "officer", m, "assign", unit="T01", report_due=report_due)
    assert m.status == "assigned"
    m = do(web, "handler", m, "object", reason="应由住建局办理")
    m = do(web, "officer", m, "approve_return")
    assert m.status == "registered" and m.handling_unit is None
    m = do(web, "registrar", m, "answer", reply="已当场解释政策。")
    assert m.close_reason == "answered"

    m = register(county).matter
    m = do(web, "officer", m, "decline", reason="same_matter_in_progress")
    assert m.close_reason == "not_accepted"

    m = register(county).matter
    m = do(web, "officer", m, "forward", unit="T01")
    m = do(web, "handler", m, "accept")
    m = do(web, "handler", m, "route", procedure="litigation")
    assert m.close_reason == "routed"

    m = register(county).matter
    m = do(web, "officer", m, "forward", unit="T01")
    m = do(web, "handler", m, "accept")
    m = do(web, "handler", m, "mediate", agreement="双方达成和解。")
    assert m.close_reason == "mediated"

    m = register(county).matter
    m = do(web, "officer", m, "forward", unit="T01")
    m = do(web, "handler", m, "accept")
    m = do(web, "handler", m, "reply", outcome="support", opinion="予以支持。", legal_basis="《价格法》")
    m = do(web, "officer", m, "close", reason="confirmed")
    assert m.close_reason == "confirmed"

    # 合并办理 (the bureau) and the leaders' 提级调度 and flag edits.
    keep = do(web, "officer", register(county).matter, "forward", unit="T01")
    dup = register(county).matter
    dup = do(web, "officer", dup, "merge", into=keep.number, note="重复登记")
    assert dup.close_reason == "merged"
    keep = do(web, "officer", keep, "raise_level", leader="cleader", reason="群体性苗头，提级调度")
    keep = do(web, "officer", keep, "set_flags", flag="backlog", value="true", reason="久拖未决")
    assert keep.is_backlog
    # 补充材料 brought in person, recorded by the bureau (the portal path: portal/tests/test_after_submit.py)
    keep = do(web, "registrar", keep, "add_material", content="信访人到信访局补交了村委会证明。")

    # `register` has its own pages (test_registration); `absorb` is recorded by `merge` itself (system);
    # every other action was done here.
    assert done == set(ACTIONS) - {"absorb"}
