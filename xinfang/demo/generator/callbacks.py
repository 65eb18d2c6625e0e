"""The bureau's callbacks (回访) of the demo's past: tasks opened by dissatisfied ratings are called
back by a case officer a few working days later, through ``callback_record`` like on the callbacks
page. Tasks still inside their callback period stay open, as they would be on a real Monday."""

from __future__ import annotations

import datetime as dt
import random

from xinfang.core.errors import AppError
from xinfang.supervision.choices import CallbackState
from xinfang.supervision.models import CallbackTask
from xinfang.supervision.services.callbacks import callback_record

from .world import World

REACHED_NOTES = [
    "信访人表示已收到处理意见，对答复内容仍有保留，但认可办理程序。",
    "信访人对办理结果表示理解，希望有关单位继续跟进落实。",
    "信访人反映办理单位未当面说明情况，已转告办理单位注意工作方式。",
    "信访人表示问题已基本解决，此前不满意主要因办理时间较长。",
]
NOT_REACHED = "连续三个工作日拨打登记电话均未接通，已在系统中留痕。"


def complete_old_callbacks(world: World, clock) -> int:
    """Record the outcome of every callback task whose period ended at least three days ago."""
    rng = random.Random(f"{world.seed}-callbacks")
    callers = [world.users["officer2"], world.users["officer3"]]
    cutoff = world.today - dt.timedelta(days=3)
    done = 0
    tasks = CallbackTask.objects.filter(state=CallbackState.TODO, due__lt=cutoff).select_related("event")
    for task in tasks.order_by("id"):
        opened = task.event.occurred_at if task.event_id else world.now - dt.timedelta(days=30)
        when = world.later(rng, opened, 1, 6)
        if when > world.now:
            continue
        clock.value = when
        reached = rng.random() < 0.88
        data = {
            "method": "phone" if rng.random() < 0.85 else "visit",
            "reached": reached,
            "satisfied": reached and rng.random() < 0.55,
            "problem_found": False,
            "notes": rng.choice(REACHED_NOTES) if reached else NOT_REACHED,
        }
        try:
            callback_record(actor=rng.choice(callers), task_id=task.pk, data=data)
        except AppError:
            continue  # e.g. the bureau's own answer: no bureau officer is independent of it
        done += 1
    clock.value = None
    return done


__all__ = ["complete_old_callbacks"]
