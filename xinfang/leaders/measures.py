"""The leaders' measure for the annual assessment (issue 13, 条例 §39): "tasks done on time".

Registered with the figures' registry from ``LeadersConfig.ready``; the value is computed by the one
definition in ``selectors.tasks_on_time_by_unit`` over the tasks the reader may see.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from xinfang.figures.measures import Value, register

from .access import visible_tasks
from .selectors import tasks_on_time_by_unit


def tasks_on_time_measure(user, period, today) -> dict[int, Value]:
    rows = tasks_on_time_by_unit(period.date_from, period.date_to, today, visible_tasks(user))
    return {unit_id: Value(r["rate"], r["on_time"], r["due"]) for unit_id, r in rows.items()}


def tasks_link(unit, period) -> str:
    return reverse("leaders:tasks") + "?" + urlencode({"unit": unit.code, "due_from": period.date_from.isoformat(),
                                                        "due_to": period.date_to.isoformat()})


def register_measures() -> None:
    register("tasks_on_time", "交办任务按期完成率", "rate", tasks_on_time_measure, link=tasks_link)
