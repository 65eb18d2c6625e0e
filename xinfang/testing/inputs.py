"""Valid inputs for any action, derived from its declaration (the property test's inputs).

``example_params(transition, pick)`` builds a dict the declaration accepts: every input gets a
value of its type within its bounds; ``pick`` chooses among the declared choices (so a property
test explores every reason, outcome and rating without a hand-written table per action).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from xinfang.core.inputs import Input, Kind
from xinfang.matters.workflow import Transition

UNIT_CODE = "T01"  # the test county's first town (xinfang.testing.factories.make_county)


def example_value(inp: Input, pick: int = 0, *, today: dt.date | None = None):
    if inp.example is not None:
        return inp.example
    today = today or timezone.localdate()
    if inp.kind == Kind.CHOICE:
        return inp.choices[pick % len(inp.choices)][0]
    if inp.kind == Kind.INTEGER:
        low = inp.minimum if inp.minimum is not None else 1
        high = inp.maximum if inp.maximum is not None else low + 10
        return low + pick % (high - low + 1)
    if inp.kind == Kind.DATE:
        return (today + dt.timedelta(days=40)).isoformat()
    if inp.kind == Kind.DATETIME:
        return None
    if inp.kind == Kind.BOOLEAN:
        return bool(pick % 2) if inp.default is None else inp.default
    if inp.kind == Kind.CODE:
        return UNIT_CODE
    if inp.kind == Kind.CODES:
        return []
    return f"{inp.label}（测试）"[: inp.max_length]


def example_params(transition: Transition, pick: int = 0, *, today: dt.date | None = None) -> dict:
    """A valid input dict for ``transition`` (optional texts are filled, so conditional
    requirements such as 'a dissatisfied rating needs a comment' are met)."""
    out = {}
    for i, inp in enumerate(transition.inputs):
        value = example_value(inp, pick + i, today=today)
        if value is not None:
            out[inp.name] = value
    return out
