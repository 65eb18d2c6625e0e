"""A hand-computed October 2026 for the rates (docs/rates.md walks through the same numbers).

T01 (城关镇):
  accept clocks due in October: A met 10-09 (due 10-14) ✓, B met 10-20 (due 10-14) ✗, C never accepted
  (due 10-14, still open) ✗; M was forwarded to T01 10-05 but returned 10-10, before its due day
  (10-20): left out.                                             → 及时受理率 1/3
  handle clocks due in October: G due 10-09 replied 10-08 ✓, H due 10-11 (Sun) → 10-12 replied 10-12 ✓,
  I due 10-14 replied 10-20 ✗, J due 10-19 still open ✗, L due 10-14 after a 10-day extension
  replied 10-13 ✓; K routed 09-01 (cancelled before due): left out. → 按期办结率 3/5
  unit evaluations decided in October: G 满意 10-10, H 不满意 10-15, I 基本满意 10-25 evaluated;
  F's window (replied 09-05, due 10-05 holiday → 10-08) lapsed.  → 参评率 3/4, 满意率 2/3
T02 (河西乡): E accepted 10-08 (due 10-14) ✓, M re-forwarded 10-12 accepted 10-26 (due 10-27) ✓ → 2/2.
Bureau evaluations in October: A rated the bureau 满意 on 10-10  → 参评率 1/1, 满意率 1/1.
Petitions received in October: M (10-02), D (10-15) and a repeat on A (10-15) → 重复信访率 1/3.
Handed to T01 in October (forward/assign events): M 10-05, D 10-20; T01 objected once (M) → 退回率 1/2.
"""

from __future__ import annotations

from xinfang.matters.services.registration import add_petition
from xinfang.testing.factories import at, petition_data

from .helpers import do, new_matter, on, run_on


def forwarded(c, received, forward_on, unit="T01"):
    m = new_matter(c, received)
    return do(c, "officer", m, "forward", forward_on, unit=unit)


def accepted(c, received, forward_on, accept_on, unit="T01", handler="handler"):
    m = forwarded(c, received, forward_on, unit)
    return do(c, handler, m, "accept", accept_on)


def reply(c, m, day):
    return do(c, "handler", m, "reply", day, outcome="explain", opinion="已解释说明。", legal_basis="有关规定")


def build_october(c) -> dict:
    ms = {}
    ms["A"] = accepted(c, "2026-09-25", "2026-09-29", "2026-10-09")
    do(c, "registrar", ms["A"], "evaluate", "2026-10-10", target="bureau", rating="satisfied")
    ms["B"] = accepted(c, "2026-09-25", "2026-09-29", "2026-10-20")
    ms["C"] = forwarded(c, "2026-09-28", "2026-09-29")
    ms["D"] = forwarded(c, "2026-10-15", "2026-10-20")
    ms["E"] = accepted(c, "2026-09-25", "2026-09-29", "2026-10-08", unit="T02", handler="handler2")
    ms["F"] = accepted(c, "2026-07-20", "2026-07-25", "2026-08-01")
    reply(c, ms["F"], "2026-09-05")
    ms["G"] = accepted(c, "2026-08-01", "2026-08-05", "2026-08-10")
    reply(c, ms["G"], "2026-10-08")
    do(c, "registrar", ms["G"], "evaluate", "2026-10-10", target="unit", rating="satisfied")
    ms["H"] = accepted(c, "2026-08-01", "2026-08-05", "2026-08-12")
    reply(c, ms["H"], "2026-10-12")
    do(c, "registrar", ms["H"], "evaluate", "2026-10-15", target="unit", rating="dissatisfied", comment="问题没有解决")
    ms["I"] = accepted(c, "2026-08-01", "2026-08-05", "2026-08-15")
    reply(c, ms["I"], "2026-10-20")
    do(c, "registrar", ms["I"], "evaluate", "2026-10-25", target="unit", rating="basically_satisfied")
    ms["J"] = accepted(c, "2026-08-01", "2026-08-05", "2026-08-20")
    ms["K"] = accepted(c, "2026-08-01", "2026-08-05", "2026-08-20")
    do(c, "handler", ms["K"], "route", "2026-09-01", procedure="litigation", note="属诉讼事项")
    ms["L"] = accepted(c, "2026-07-25", "2026-07-30", "2026-08-05")
    do(c, "handler", ms["L"], "request_extension", "2026-09-20", days=10, reason="需要会商")
    do(c, "uleader", ms["L"], "approve_extension", "2026-09-21")
    reply(c, ms["L"], "2026-10-13")
    do(c, "registrar", ms["L"], "evaluate", "2026-11-02", target="unit", rating="satisfied")
    ms["M"] = forwarded(c, "2026-10-02", "2026-10-05")
    do(c, "handler", ms["M"], "object", "2026-10-09", reason="不属本镇职责")
    do(c, "officer", ms["M"], "approve_return", "2026-10-10")
    do(c, "officer", ms["M"], "forward", "2026-10-12", unit="T02")
    do(c, "handler2", ms["M"], "accept", "2026-10-26")
    with on("2026-10-15"):
        add_petition(actor=c.users["registrar"], matter=ms["A"], data=petition_data(c, received_at=at("2026-10-15")))
    run_on("2026-11-21")  # marks the lapsed evaluation windows (超期未评价)
    for m in ms.values():
        m.refresh_from_db()
    return ms
