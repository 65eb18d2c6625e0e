"""An event's params read through its declaration (``workflow.event_type``): one reader for every
audience (staff timeline, public timeline, SMS, document context) instead of each re-parsing keys.

``EventParams(event)["days"]`` is the stored value, or the declared default when the event lacks
it; ``.date("new_due")`` is a ``datetime.date``; ``.text("reason")`` is the value's Chinese label
(a choice's label, a boolean's wording, a list joined with "、").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping

from xinfang.core.inputs import Param

from .workflow import event_type


class EventParams(Mapping):
    def __init__(self, action: str, params: dict | None):
        declared = event_type(action)
        self.action = action
        self.declared: dict[str, Param] = declared.params if declared is not None else {}
        self.raw = dict(params or {})

    @classmethod
    def of(cls, event) -> EventParams:
        return cls(event.action, event.params)

    def __getitem__(self, name: str):
        value = self.raw.get(name)
        if value is None or value == "":
            p = self.declared.get(name)
            if p is not None and p.default is not None:
                return p.default
            return value if value is not None else ""
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self.raw)

    def __len__(self) -> int:
        return len(self.raw)

    def get(self, name: str, default=None):
        value = self[name]
        return default if value in (None, "") and default is not None else value

    def date(self, name: str) -> dt.date | None:
        value = self[name]
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value)[:10]) if value else None
        except ValueError:
            return None

    def number(self, name: str) -> int:
        value = self[name]
        try:
            return int(value)
        except (TypeError, ValueError):
            return 0

    def text(self, name: str, default: str = "") -> str:
        p = self.declared.get(name)
        value = self[name]
        shown = p.display(value) if p is not None else ("" if value is None else str(value))
        return shown or default
