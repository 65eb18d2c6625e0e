"""Every (state, action) pair of the workflow table: allowed ones succeed with the right target
state, the others are refused with 409; wrong actors get 403 (visible) or 404 (not visible)."""

import datetime as dt

import pytest

from xinfang.core.errors import NotAllowed, NotVisible, StateConflict
from xinfang.matters.choices import State
from xinfang.matters.models import Matter
from xinfang.matters.workflow import TRANSITIONS, WORKFLOW, allowed_actions
from xinfang.testing.factories import act, register

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()


def build(c, state: str) -> Matter:
    """Drive a new matter to ``state`` through the services."""
    m = register(c).matter
    steps = {
        "registered": [],
        "forwarded": [("officer", "forward", {"unit": "T01"})],
        "assigned": [("officer", "assign", {"unit": "T01", "report_due": (TODAY + dt.timedelta(days=20)).isoformat()})],
        "return_requested": [("officer", "forward", {"unit": "T01"}), ("handler", "object", {"reason": "不属本单位职责"})],
        "accepted": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {})],
        "replied": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                    ("handler", "reply", {"outcome": "support", "opinion": "支持", "legal_basis": "某条例"})],
        "review_requested": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                             ("handler", "reply", {"outcome": "support", "opinion": "支持", "legal_basis": "某条例"}),
                             ("handler", "deliver", {"method": "in_person"}),
                             ("registrar", "request_review", {"reason": "不服"})],
        "reviewed": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                     ("handler", "reply", {"outcome": "support", "opinion": "支持", "legal_basis": "某条例"}),
                     ("handler", "deliver", {"method": "in_person"}),
                     ("registrar", "request_review", {"reason": "不服"}),
                     ("officer", "review_decide", {"outcome": "uphold", "opinion": "维持"})],
        "recheck_requested": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                              ("handler", "reply", {"outcome": "support", "opinion": "支持", "legal_basis": "某条例"}),
                              ("handler", "deliver", {"method": "in_person"}),
                              ("registrar", "request_review", {"reason": "不服"}),
                              ("officer", "review_decide", {"outcome": "uphold", "opinion": "维持"}),
                              ("officer", "deliver", {"method": "mail"}),
                              ("registrar", "request_recheck", {"reason": "仍不服"})],
        "closed": [("officer", "forward", {"unit": "T01"}), ("handler", "accept", {}),
                   ("handler", "mediate", {"agreement": "双方达成和解"})],
    }[state]
    for username, action, params in steps:
        m = act(c, username, m, action, **params)
    assert m.status == state
    return m


# action -> (actor, params, preparation steps needed on the matter before acting)
VALID = {
    "forward": ("officer", {"unit": "T02"}, []),
    "assign": ("officer", {"unit": "T02", "report_due": (TODAY + dt.timedelta(days=20)).isoformat()}, []),
    "answer": ("registrar", {"reply": "已当场解答"}, []),
    "decline": (None, {"reason": "other", "note": "不属于信访事项"}, []),
    "object": ("handler", {"reason": "不属本单位职责"}, []),
    "approve_return": ("officer", {}, []),
    "refuse_return": ("officer", {"reason": "属于本单位职责"}, []),
    "acknowledge": ("handler", {}, []),
    "merge": ("officer", {"into": None}, []),  # a fresh matter's number (see _dynamic)
    "absorb": (None, {"source": None}, []),  # the engine of ``merge``: actor ``system``
    "accept": ("handler", {}, []),
    "route": ("handler", {"procedure": "litigation", "note": "请依法提起诉讼"}, []),
    "request_extension": ("handler", {"days": 20, "reason": "情况复杂"}, []),
    "approve_extension": ("uleader", {}, [("handler", "request_extension", {"days": 20, "reason": "情况复杂"})]),
    "refuse_extension": ("uleader", {"reason": "理由不充分"}, [("handler", "request_extension", {"days": 20, "reason": "情况复杂"})]),
    "withdraw_extension": ("handler", {}, [("handler", "request_extension", {"days": 20, "reason": "情况复杂"})]),
    "start_hearing": ("officer", {}, []),
    "end_hearing": ("officer", {}, [("officer", "start_hearing", {})]),
    "mediate": ("handler", {"agreement": "达成和解"}, []),
    "reply": ("handler", {"outcome": "explain", "opinion": "解释说明", "legal_basis": "某条例"}, []),
    "deliver": (None, {"method": "in_person"}, []),
    "evaluate": ("registrar", {"target": None, "rating": "satisfied"}, []),
    "request_review": ("registrar", {"reason": "不服"}, [("handler", "deliver", {"method": "in_person"})]),
    "review_decide": ("officer", {"outcome": "uphold", "opinion": "维持"}, []),
    "request_recheck": ("registrar", {"reason": "不服"}, [("officer", "deliver", {"method": "mail"})]),
    "recheck_decide": ("officer", {"outcome": "uphold", "opinion": "维持"}, []),
    "close": ("officer", {"reason": "confirmed"}, []),
    "raise_level": ("officer", {"leader": "cleader", "reason": "重大疑难，提请县领导调度"}, []),
    "set_flags": ("officer", {"flag": "backlog", "value": True, "reason": "办理超过半年"}, []),
    "add_material": ("registrar", {"content": "补充现场照片的说明"}, []),  # staff recording what was brought in
}

PAIRS = [(s.value, t.action) for s in State for t in TRANSITIONS]


def _dynamic(county, action, params):
    """``merge`` goes into, and ``absorb`` takes the petitions of, another (fresh) matter."""
    if action == "merge":
        return {**params, "into": register(county).matter.number}
    if action == "absorb":
        return {**params, "source": register(county).matter.number}
    return params


def _actor_for(action, state):
    actor, params, prep = VALID[action]
    params = dict(params)
    if action == "decline":
        actor = "officer" if state == "registered" else "handler"
    if action == "deliver":
        actor = "handler" if state == "replied" else "officer"
    if action == "evaluate":
        params["target"] = "bureau" if state in ("accepted", "closed") else "unit"
    return actor, params, prep


@pytest.mark.parametrize(("state", "action"), PAIRS)
def test_state_action_pair(county, state, action):
    matter = build(county, state)
    transition = WORKFLOW[action]
    actor, params, prep = _actor_for(action, state)
    params = _dynamic(county, action, params)
    if State(state) not in transition.sources:
        with pytest.raises(StateConflict):  # the state is checked before the actor
            act(county, "officer", matter, action, **params)
        assert Matter.objects.get(pk=matter.pk).status == state
        return
    if (state, action) == ("closed", "decline"):
        # 不再受理 after 复核 is the registration's own act on a repeat petition (actor `system`):
        # no member of staff may decline a closed matter.
        assert "decline" not in allowed_actions(county.users["officer"], matter)
        with pytest.raises(NotAllowed):
            act(county, "officer", matter, action, **params)
        return
    if (state, action) == ("registered", "accept"):
        # Only a matter a unit registered itself can be accepted straight away (当场告知).
        assert "accept" not in allowed_actions(county.users["officer"], matter)
        matter = register(county, user=county.users["handler"]).matter
    for username, prep_action, prep_params in prep:
        matter = act(county, username, matter, prep_action, **prep_params)
    if actor is not None:
        assert action in allowed_actions(county.users[actor], matter)
    else:  # a system act is never offered to staff
        assert action not in allowed_actions(county.users["officer"], matter)
    events_before = matter.events.count()
    result = act(county, actor, matter, action, **params)
    expected = {
        "refuse_return": "forwarded",
        "review_decide": "reviewed",
    }.get(action) or (transition.target.value if transition.target else state)
    assert result.status == expected
    assert result.events.count() == events_before + 1
    assert result.events.order_by("-seq").first().action == action


@pytest.mark.parametrize("action", [t.action for t in TRANSITIONS])
def test_auditor_may_see_but_never_act(county, action):
    state = next(iter(s for s in WORKFLOW[action].sources if s != State.CLOSED), State.CLOSED)
    matter = build(county, state.value)
    _, params, _ = _actor_for(action, state.value)
    params = _dynamic(county, action, params)
    with pytest.raises(NotAllowed):
        act(county, "auditor", matter, action, **params)


@pytest.mark.parametrize("action", ["accept", "object", "decline", "route"])
def test_other_units_do_not_even_see_the_matter(county, action):
    matter = build(county, "forwarded")
    _, params, _ = _actor_for(action, "forwarded")
    with pytest.raises(NotVisible):
        act(county, "handler2", matter, action, **params)


def test_table_is_complete_and_consistent():
    assert len(WORKFLOW) == 30  # the statutory acts, 签收, merge/absorb, the leaders' raise_level and set_flags, 补充材料
    for t in TRANSITIONS:
        assert t.sources, t.action
        assert t.article.startswith("第"), t.action
        if t.target == State.CLOSED:
            assert t.close_reason or t.action == "close"


@pytest.mark.parametrize(("username", "action"), [("uleader", "refuse_extension"), ("handler", "withdraw_extension")])
def test_a_refused_or_withdrawn_extension_request_lapses_and_may_be_made_again(county, username, action):
    """§34: the request lapses, the handle clock keeps its due day, and the handler may ask again."""
    matter = build(county, "accepted")
    due = matter.deadlines.get(kind="handle").due
    matter = act(county, "handler", matter, "request_extension", days=20, reason="情况复杂")
    assert "request_extension" not in allowed_actions(county.users["handler"], matter)
    if action == "refuse_extension":
        assert action not in allowed_actions(county.users["handler"], matter)  # the leader decides
    matter = act(county, username, matter, action, reason="不符合延期条件")
    assert (matter.extension_days, matter.extension_reason, matter.extension_approved) == (0, "", False)
    assert matter.deadlines.get(kind="handle").due == due
    event = matter.events.order_by("-seq").first()
    assert event.params["days"] == 20 and "notice_type" not in event.params
    assert "request_extension" in allowed_actions(county.users["handler"], matter)
    matter = act(county, "handler", matter, "request_extension", days=10, reason="补充核查")
    matter = act(county, "uleader", matter, "approve_extension")
    assert matter.extension_approved and matter.deadlines.get(kind="handle", cancelled_at__isnull=True).due > due
