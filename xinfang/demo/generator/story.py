"""The life of one demo matter, told as a generator of timed steps.

``Story(spec, world).run()`` yields ``Step`` objects in chronological order and receives the
matter back after each one is performed by the real services (``runner.py``). It never writes
anything itself: every state comes from ``register_petition`` / ``add_petition`` /
``perform_action``. The runner stops a story at the first step later than now, so recent
matters are naturally still open, in whatever state their timeline has reached.

Delays follow practice (most acts well inside their limits, a few late); a spec's ``goal``
stops the story in that open state, with every branch forced towards it and bounded delays.
"""

from __future__ import annotations

import datetime as dt
import random
import re

from django.utils import timezone

from xinfang.matters.choices import Channel, State

from . import texts
from .specs import MatterSpec
from .world import PoolEntry, Step, World

RANK = {
    State.REGISTERED: 0, State.FORWARDED: 1, State.ASSIGNED: 1, State.RETURN_REQUESTED: 2, State.ACCEPTED: 3,
    State.REPLIED: 4, State.REVIEW_REQUESTED: 5, State.REVIEWED: 6, State.RECHECK_REQUESTED: 7,
}
ACCUSATION_PREFIXES = ("1901", "1902", "1903", "1202", "1303")
COLLECTIVE_PREFIXES = tuple(k for k, v in texts.templates()["topics"].items() if v.get("collective"))
REVIEW_FEATURES = {"review", "redo", "recheck", "hearing", "after_recheck"}
RECHECK_FEATURES = {"recheck", "hearing", "after_recheck"}
PEOPLE_IN_TEXT = re.compile(r"信访人等(\d+)人")  # a text's "the petitioner and N−1 others" (涉及人数)


class Story:
    def __init__(self, spec: MatterSpec, world: World):
        self.spec = spec
        self.w = world
        self.rng = random.Random(spec.seed)
        self.f = spec.features
        self.goal = spec.goal
        self.t = spec.received
        self.m = None
        self.side: list[Step] = []
        self.unit = ""  # handling unit code
        self.assigned = False
        self.redone = False

    # ---- plumbing ----------------------------------------------------------------------------

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def forced(self) -> bool:
        return self.goal is not None

    def stop_at(self, state: State) -> bool:
        return self.goal == state

    def wants(self, rank: int) -> bool:
        """Forced towards a goal at least this deep in the lifecycle?"""
        return self.goal is not None and RANK[self.goal] >= rank

    def when(self, lo: float, hi: float, *, office: bool = True):
        return self.w.later(self.rng, self.t, lo, hi, office=office)

    def flush(self, until):
        while self.side and self.side[0].when <= until:
            step = self.side.pop(0)
            if step.side == "repeat" and self.m.status == State.CLOSED:
                continue
            self.m = yield step
            self.t = step.when

    def at(self, when, actor, action: str, *, via: str = "staff", **params):
        yield from self.flush(when)
        params["occurred_at"] = when.isoformat()
        self.m = yield Step(when, "act", actor=actor, action=action, params=params, via=via)
        self.t = when
        return self.m

    def add_side(self, step: Step) -> None:
        self.side.append(step)
        self.side.sort(key=lambda s: s.when)

    def petitioner(self):
        """Who records a petitioner's act: the petitioner online, or intake staff for them."""
        if self.spec.channel in (Channel.ONLINE, Channel.MOBILE) and not self.anonymous and self.chance(0.7):
            return None, "portal"
        return self.w.registrar(self.rng), "staff"

    # ---- the whole life ----------------------------------------------------------------------

    def run(self):
        yield from self.register()
        if self.stop_at(State.REGISTERED):
            return
        if self.unit_intake:
            yield from self.unit_receives()
        else:
            yield from self.bureau_disposes()
        yield from self.flush(self.w.now + dt.timedelta(days=400))  # the runner stops at the first future step

    # ---- registration ------------------------------------------------------------------------

    def choose_subject(self):
        rng, w, f = self.rng, self.w, self.f
        self.place = w.place(rng)
        self.anonymous = "anonymous" in f or (self.spec.channel == Channel.LETTER and not self.forced() and self.chance(0.04))
        if "unit_intake" in f:  # a unit registers what it will handle itself: never a report against it
            leaf = w.leaf(rng)
            while texts.topic_flags(leaf[0])["accusation"]:
                leaf = w.leaf(rng)
        elif "confidential" in f or (self.anonymous and self.chance(0.5)):
            leaf = w.leaf(rng, ACCUSATION_PREFIXES)
        elif "collective" in f:
            leaf = w.leaf(rng, COLLECTIVE_PREFIXES)
        else:
            leaf = w.leaf(rng)
        flags = texts.topic_flags(leaf[0])
        if "answer" in f:
            purpose = "consultation"
        elif "unit_intake" in f:
            purpose = "request"
        elif flags["accusation"] and ("confidential" in f or self.chance(0.85)):
            purpose = "accusation"
        elif leaf[0].startswith("2002"):
            purpose = "suggestion"
        elif leaf[0].startswith("1801"):
            purpose = "appeal" if self.chance(0.6) else "request"
        else:
            r = rng.random()
            purpose = ("consultation" if r < 0.10 else "suggestion" if r < 0.15 else "appeal" if r < 0.20
                       else "other" if r < 0.22 else "request")
            if self.wants(1) or REVIEW_FEATURES & f or {"return_approve", "return_refuse", "extension"} & f:
                purpose = "request"
        if "decline" in f or "route" in f or "mediate" in f or "confirm" in f:
            purpose = "request" if purpose in ("consultation", "suggestion") else purpose
        self.leaf, self.purpose = leaf, purpose
        self.law_related = flags["law_related"] or (leaf[0].startswith("18") and self.chance(0.3))
        self.confidential = purpose == "accusation" and ("confidential" in f or self.chance(0.5))
        self.collective = "collective" in f or (
            self.spec.channel == Channel.VISIT and flags["collective"] and not self.forced() and self.chance(0.12))

    def target_unit(self, exclude: tuple[str, ...] = ()) -> str:
        if self.law_related and "ZFW" not in exclude:
            return "ZFW"
        if self.purpose == "accusation" and "JW" not in exclude:
            return "JW"
        first = texts.first_level(self.leaf[0][:2])
        candidates = [u for u in first["units"] if u not in exclude and u != getattr(self, "accused", "")]
        if self.place.unit_code not in exclude and (self.chance(first["town_share"]) or not candidates):
            return self.place.unit_code
        if not candidates:
            candidates = [p.unit_code for p in self.w.places if p.unit_code not in exclude]
        return self.rng.choice(candidates)

    def petitioners(self, text) -> list[dict]:
        rng, w = self.rng, self.w
        if self.anonymous:
            return []
        if ("duplicate" in self.f or (not self.forced() and self.chance(0.02))) and w.pool:
            entry = rng.choice(w.pool[-400:])
            self.leaf = next(leaf for leaf in w.leaves if leaf[0] == entry.category)
            self.duplicate_of = entry
            return [dict(entry.person, is_representative=False)]
        m = texts.material()
        address = f"示范县{self.place.town_name}{self.place.village_name}"
        address += f"{rng.randint(1, 9)}组{rng.randint(1, 99)}号" if self.place.village_name.endswith("村") else \
            f"{rng.choice(m['communities'])}{rng.randint(1, 30)}号楼{rng.randint(1, 4)}单元{rng.randint(101, 1802)}室"
        no_id = self.spec.channel in (Channel.PHONE, Channel.LEADER_MAILBOX) and self.chance(0.4)
        main = w.people.person(rng, address)
        persons = [main.as_input(representative=self.collective)]
        if no_id:
            persons[0]["id_number"] = ""
        if self.collective:
            reps = 5 if "collective" in self.f else rng.randint(1, 5)
            for _ in range(reps - 1):
                persons.append(w.people.person(rng, address).as_input(representative=True))
            for _ in range(rng.randint(0, 3)):
                persons.append(w.people.person(rng, address).as_input(representative=False))
        return persons

    def register(self):
        rng, w, spec = self.rng, self.w, self.spec
        self.choose_subject()
        self.duplicate_of = None
        self.accused = ""
        vals = texts.values(rng, town=self.place.town_name, village=self.place.village_name,
                            leaf=self.leaf[1], year=w.today.year)
        text = texts.matter_text(rng, category_code=self.leaf[0], leaf=self.leaf[1], purpose=self.purpose, vals=vals)
        persons = self.petitioners(text)
        title, content, region = text.title, text.content, self.place.region_code
        if self.duplicate_of is not None:
            entry = self.duplicate_of
            title = entry.title if entry.title.endswith("（再次反映）") else (entry.title + "（再次反映）")[:200]
            content = entry.content if entry.content.startswith("信访人此前") else "信访人此前曾就此问题信访，现再次反映：" + entry.content
            region = entry.region
            if entry.purpose in ("request", "appeal", "accusation"):
                self.purpose = entry.purpose
            else:
                self.purpose = "request"
        data = {
            "channel": spec.channel, "received_at": spec.received.isoformat(), "purpose": self.purpose,
            "category": self.leaf[0], "region": region, "title": title, "content": content,
            "petitioners": persons, "anonymous": self.anonymous, "law_related": self.law_related,
            "major": self.chance(0.02), "cross": self.chance(0.01), "public": not self.chance(0.04),
            "backlog": (w.today - timezone.localdate(spec.received)).days > 365 and self.chance(0.02),
        }
        if self.collective:
            headcount = max(len(persons), rng.randint(5, 60))
            data.update(headcount=headcount, involved_count=headcount * rng.randint(1, 4))
        counted = PEOPLE_IN_TEXT.search(content)  # the text counts the people it concerns: 涉及人数
        if counted:
            data["involved_count"] = max(data.get("involved_count", 1), data.get("headcount", len(persons)),
                                         int(counted.group(1)))
        if self.purpose == "accusation":
            data["accused_party"] = text.accused_party or vals["official"]
            if self.confidential:
                data["confidential"] = True
                self.accused = self.place.unit_code  # the accused official works for the town
                data["accused_unit"] = self.accused
        if spec.channel == Channel.UPSTREAM:
            upstream = "CITYXFJ" if self.chance(0.8) else "PROVXFJ"
            data.update(upstream_unit=upstream,
                        upstream_number=f"{'示信转' if upstream == 'CITYXFJ' else '省信转'}〔{spec.received.year}〕{rng.randint(10, 999)}号",
                        upstream_due=(timezone.localdate(spec.received) + dt.timedelta(days=rng.randint(40, 60))).isoformat())
        # Who registers: the bureau, or (some walk-ins, letters and calls) a unit directly.
        self.unit_intake = "unit_intake" in self.f or (
            not self.forced() and spec.channel in (Channel.VISIT, Channel.LETTER, Channel.PHONE)
            and not self.anonymous and self.purpose != "accusation" and not self.law_related and self.chance(0.04))
        if self.unit_intake:
            self.unit = self.target_unit(exclude=("ZFW", "JW"))
            actor = w.handler(self.unit)
        else:
            actor = w.registrar(rng)
        self.m = yield Step(spec.received, "register", actor=actor, params=data)
        self.t = spec.received
        if persons:
            w.pool.append(PoolEntry(person={k: v for k, v in persons[0].items() if k != "is_representative"},
                                    category=self.leaf[0], region=region, title=title, content=content,
                                    purpose=self.purpose))
        self.main_person = persons[0] if persons else None
        if "repeat" in self.f or (not self.forced() and self.chance(0.06)):
            for _ in range(3 if "repeat" in self.f else rng.randint(1, 2)):
                self.plan_repeat(self.w.later(rng, self.t, 5, 80))

    def plan_repeat(self, when, *, after_recheck: bool = False) -> None:
        rng = self.rng
        channel = rng.choice([Channel.VISIT, Channel.PHONE, Channel.LETTER, Channel.ONLINE])
        content = ("复核终结后，信访人以同一事实和理由再次来访，要求重新处理。" if after_recheck
                   else rng.choice(["信访人再次来访，反映同一问题，要求加快办理进度。",
                                    "信访人再次来信，催促办理，内容与前信基本相同。",
                                    "信访人来电询问办理进展，称问题仍未解决。"]))
        data = {"channel": channel, "received_at": when.isoformat(), "content": content,
                "petitioners": [dict(self.main_person, is_representative=False)] if self.main_person else []}
        self.add_side(Step(when, "repeat", actor=self.w.registrar(rng), params=data,
                           side="after_recheck" if after_recheck else "repeat"))

    # ---- the bureau disposes -----------------------------------------------------------------

    def bureau_disposes(self):
        rng, w, f = self.rng, self.w, self.f
        officer = w.officer(rng)
        late = not self.forced() and self.chance(0.04)
        t = self.when(16, 24) if late else self.when(0, 2 if self.forced() else 4)
        if "answer" in f or (self.purpose == "consultation" and not self.forced() and self.chance(0.85)):
            yield from self.at(self.when(0, 1), w.registrar(rng), "answer", reply=texts.phrase(rng, "answer"))
            return
        if "decline" in f or (not self.forced() and self.chance(0.03)):
            yield from self.at(t, officer, "decline", reason="same_matter_in_progress",
                               note=texts.phrase(rng, "decline_notes"))
            return
        if self.purpose == "suggestion" and not self.forced() and self.chance(0.5):
            yield from self.at(t, w.registrar(rng), "answer", reply="已将建议转有关部门研究参考，并向信访人致谢。")
            return
        self.unit = self.target_unit(exclude=(self.accused,) if self.accused else ())
        self.assigned = self.stop_at(State.ASSIGNED) or (
            not self.forced() and (self.spec.channel == Channel.UPSTREAM or self.collective or self.chance(0.08)))
        co_units = []
        if not self.forced() and self.chance(0.1):
            other = self.target_unit(exclude=(self.unit, "ZFW", "JW", self.accused))
            if other != self.unit:
                co_units = [other]
        if self.assigned:
            report_due = (timezone.localdate(t) + dt.timedelta(days=rng.randint(30, 55))).isoformat()
            yield from self.at(t, officer, "assign", unit=self.unit, co_units=co_units, report_due=report_due)
        else:
            yield from self.at(t, officer, "forward", unit=self.unit, co_units=co_units)
        if self.stop_at(State.FORWARDED) or self.stop_at(State.ASSIGNED):
            return
        yield from self.unit_responds(officer)

    def unit_responds(self, officer):
        rng, w, f = self.rng, self.w, self.f
        handler = w.handler(self.unit)
        objecting = (self.stop_at(State.RETURN_REQUESTED) or "return_approve" in f or "return_refuse" in f
                     or (not self.forced() and not self.accused and self.chance(0.04)))
        if objecting:
            other = self.target_unit(exclude=(self.unit, self.accused))
            yield from self.at(self.when(0.5, 2.5), handler, "object",
                               reason=texts.phrase(rng, "object_reasons", other=w.unit_name(other)))
            if self.stop_at(State.RETURN_REQUESTED):
                return
            if "return_approve" in f or ("return_refuse" not in f and self.chance(0.6)):
                yield from self.at(self.when(0.5, 3), officer, "approve_return")
                self.unit = other
                handler = w.handler(self.unit)
                action = "assign" if self.assigned else "forward"
                params = {"unit": self.unit}
                if self.assigned:
                    params["report_due"] = (timezone.localdate(self.t) + dt.timedelta(days=rng.randint(35, 55))).isoformat()
                yield from self.at(self.when(0, 2), officer, action, **params)
            else:
                yield from self.at(self.when(0.5, 3), officer, "refuse_return", reason="经研究，该事项属于你单位职责范围，请依法办理。")
        if "route" in f or (not self.forced() and self.chance(0.04)):
            procedure = rng.choice(["litigation", "arbitration", "admin_review"])
            yield from self.at(self.when(2, 10), handler, "route", procedure=procedure, note=texts.phrase(rng, "route_notes"))
            return
        if not self.forced() and self.chance(0.015):
            yield from self.at(self.when(1, 6), handler, "decline", reason="same_matter_in_progress",
                               note="该事项本单位已受理，正在办理期限内。")
            return
        late = not self.forced() and self.chance(0.05)
        yield from self.at(self.when(16, 24) if late else self.when(0.5, 5 if self.forced() else 8), handler, "accept")
        yield from self.handle()

    def unit_receives(self):
        """A unit registered the petition itself: it answers, declines or accepts at once."""
        handler = self.w.handler(self.unit)
        if self.purpose == "consultation" and self.chance(0.6):
            yield from self.at(self.when(0, 1), handler, "answer", reply=texts.phrase(self.rng, "answer"))
            return
        yield from self.at(self.when(0, 2), handler, "accept")
        yield from self.handle()

    # ---- handling, reply and the petitioner's remedies --------------------------------------

    def evaluations_possible(self) -> bool:
        return bool(self.m.is_evaluable)

    def plan_evaluation(self, target: str, lo: float, hi: float) -> None:
        if not self.evaluations_possible() or self.forced() or not self.chance(0.35):
            return
        rng = self.rng
        actor, via = self.petitioner()
        outcome = self.m.reply_outcome
        dissatisfied = 0.35 if outcome == "not_support" else 0.08
        r = rng.random()
        rating = "dissatisfied" if r < dissatisfied else "basically_satisfied" if r < dissatisfied + 0.22 else "satisfied"
        when = self.w.later(rng, self.t, lo, hi, office=via == "staff")
        comment = texts.phrase(rng, "evaluation_comments")
        if rating == "dissatisfied" and not comment:  # the service requires a reason for 不满意
            comment = "没有解决实际问题。"
        self.add_side(Step(when, "act", actor=actor, action="evaluate", via=via, side="evaluate",
                           params={"target": target, "rating": rating, "comment": comment,
                                   "occurred_at": when.isoformat()}))

    def handle(self):
        rng, w, f = self.rng, self.w, self.f
        handler, leader = w.handler(self.unit), w.leader(self.unit)
        accepted_at = self.t
        if not self.redone:
            self.plan_evaluation("bureau", 1, 20)
        if self.stop_at(State.ACCEPTED):
            return
        if "mediate" in f or (not self.forced() and not REVIEW_FEATURES & f and self.chance(0.05)):
            yield from self.at(self.when(10, 40), handler, "mediate",
                               agreement=texts.phrase(rng, "mediation", town=self.place.town_name))
            return
        if not self.redone and ("extension" in f or (not self.forced() and self.chance(0.07))):
            yield from self.at(w.later(rng, accepted_at, 40, 52), handler, "request_extension",
                               days=rng.choice([15, 20, 30]), reason=texts.phrase(rng, "extension_reasons"))
            days = self.m.extension_days
            if "extension" not in f and self.chance(0.1):
                return  # still waiting for the unit head's approval
            yield from self.at(self.when(0.5, 3), leader, "approve_extension")
            reply_at = w.later(rng, accepted_at, 60, 58 + days)
        elif self.redone:
            reply_at = self.when(10, 28)
        elif not self.forced() and self.chance(0.05):
            reply_at = w.later(rng, accepted_at, 62, 80)  # late: the handling clock runs over
        else:
            reply_at = w.later(rng, accepted_at, 15, 40 if self.forced() else 55)
        outcome = self.reply_outcome()
        superior = w.units_by_id.get(w.units[self.unit].superior_id)
        review_name = superior.name if superior else "示范县人民政府"
        basis = texts.first_level(self.leaf[0][:2])["legal_basis"]
        params = {"outcome": outcome, "opinion": texts.reply_opinion(outcome, basis=basis, review_body=review_name),
                  "legal_basis": basis}
        if self.assigned:
            params["report"] = texts.templates()["phrases"]["report"]
        yield from self.at(reply_at, handler, "reply", **params)
        if self.stop_at(State.REPLIED):
            return
        yield from self.at(self.when(0.5, 3 if self.forced() else 6), handler, "deliver",
                           method=rng.choice(["in_person", "mail", "sms_link", "portal"]), signed=self.chance(0.95))
        if not self.redone:
            self.plan_evaluation("unit", 1, 20)
        if self.redone:
            yield from self.lapse("review_request", "no_review")
            return
        if "confirm" in f or (not self.forced() and not REVIEW_FEATURES & f and self.chance(0.04)):
            yield from self.at(self.when(2, 10), w.officer(rng), "close", reason="confirmed")
            return
        p_review = {"not_support": 0.3, "explain": 0.12, "support": 0.03}[outcome]
        if not (self.wants(5) or REVIEW_FEATURES & f or (not self.forced() and self.chance(p_review))):
            yield from self.lapse("review_request", "no_review")
            return
        yield from self.review()

    def reply_outcome(self) -> str:
        if self.wants(5) or REVIEW_FEATURES & self.f:
            return self.rng.choice(["not_support", "explain"])
        r = self.rng.random()
        return "support" if r < 0.35 else "explain" if r < 0.8 else "not_support"

    def lapse(self, window: str, reason: str):
        """The petitioner lets the window pass: the scheduled engine closes the matter that night."""
        when = self.w.after_window(self.rng, self.m, window)
        if when is not None:
            yield from self.at(when, None, "close", via="system", reason=reason)

    def review(self):
        rng, w, f = self.rng, self.w, self.f
        actor, via = self.petitioner()
        yield from self.at(self.when(3, 10 if self.forced() else 25, office=via == "staff"), actor, "request_review",
                           via=via, reason=texts.phrase(rng, "review_reasons"))
        if self.stop_at(State.REVIEW_REQUESTED):
            return
        officer = w.officer(rng)
        if "redo" in f or (not self.forced() and not RECHECK_FEATURES & f and not self.redone and self.chance(0.12)):
            outcome = "redo"
        else:
            outcome = "revise" if self.chance(0.15) else "uphold"
        late = not self.forced() and self.chance(0.04)
        params = {"outcome": outcome, "opinion": texts.decision_opinion("review_opinions", outcome)}
        if outcome == "redo":
            params["redo_days"] = 30
        yield from self.at(self.when(32, 40) if late else self.when(10, 20 if self.forced() else 28), officer,
                           "review_decide", **params)
        if outcome == "redo":
            self.redone = True
            yield from self.handle()
            return
        if self.stop_at(State.REVIEWED):
            return
        yield from self.at(self.when(0.5, 3 if self.forced() else 5), officer, "deliver",
                           method=rng.choice(["in_person", "mail"]), signed=True)
        if not (self.wants(7) or RECHECK_FEATURES & f or (not self.forced() and self.chance(0.3))):
            yield from self.lapse("recheck_request", "no_recheck")
            return
        actor, via = self.petitioner()
        yield from self.at(self.when(3, 10 if self.forced() else 25, office=via == "staff"), actor, "request_recheck",
                           via=via, reason=texts.phrase(rng, "recheck_reasons"))
        if self.stop_at(State.RECHECK_REQUESTED):
            return
        if "hearing" in f or (not self.forced() and self.chance(0.15)):
            yield from self.at(self.when(3, 8), officer, "start_hearing", note="组织信访人、承办单位和相关专家召开听证会。")
            yield from self.at(self.when(1, 4), officer, "end_hearing")
        outcome = "revise" if self.chance(0.12) else "uphold"
        yield from self.at(self.when(8, 20), officer, "recheck_decide", outcome=outcome,
                           opinion=texts.decision_opinion("recheck_opinions", outcome))
        if self.main_person and ("after_recheck" in f or (not self.forced() and self.chance(0.15))):
            self.plan_repeat(self.w.later(rng, self.t, 30, 200), after_recheck=True)
