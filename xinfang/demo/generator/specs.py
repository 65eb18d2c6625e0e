"""What the demo county receives: one spec per matter (when, how, and what must happen to it).

Specs are drawn from the run's seed. Most matters take a random path through the lifecycle;
a few are *forced* so that every state, every channel and every notable feature (returns,
extensions, reviews, rechecks, hearings, repeats, collective visits, anonymous letters,
confidential accusations, units registering directly) appears even in a small run.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.utils import timezone

from xinfang.matters.choices import Channel, State
from xinfang.workdays.calendar import WorkCalendar

CHANNEL_WEIGHTS = {
    Channel.LETTER: 18, Channel.VISIT: 30, Channel.ONLINE: 25, Channel.MOBILE: 12, Channel.PHONE: 8,
    Channel.FAX: 1, Channel.LEADER_MAILBOX: 3, Channel.UPSTREAM: 3,
}
OFFICE_CHANNELS = {Channel.LETTER, Channel.VISIT, Channel.PHONE, Channel.FAX, Channel.UPSTREAM}

# Days before today at which a matter forced to stop in a state is received, so that it reaches
# that state (the forced path's delays are bounded, see story.py) without its clock expiring.
GOAL_AGE = {
    State.REGISTERED: (1, 8), State.FORWARDED: (3, 10), State.ASSIGNED: (3, 10),
    State.RETURN_REQUESTED: (4, 10), State.ACCEPTED: (20, 50), State.REPLIED: (50, 70),
    State.REVIEW_REQUESTED: (75, 100), State.REVIEWED: (100, 125), State.RECHECK_REQUESTED: (125, 150),
}
OPEN_GOALS = tuple(GOAL_AGE)

# Features forced at least once (and then at this share of a large run), with the age they need.
FEATURES = {
    "answer": (0.0, (10, 700)), "decline": (0.0, (10, 700)), "route": (0.0, (30, 700)),
    "mediate": (0.0, (60, 700)), "confirm": (0.0, (90, 700)),
    "collective": (0.03, (5, 700)), "anonymous": (0.02, (5, 700)), "confidential": (0.02, (60, 700)),
    "unit_intake": (0.05, (5, 700)), "upstream": (0.0, (20, 700)), "repeat": (0.0, (60, 700)),
    "duplicate": (0.02, (5, 400)), "return_approve": (0.01, (40, 700)), "return_refuse": (0.01, (40, 700)),
    "extension": (0.0, (130, 700)), "review": (0.0, (130, 700)), "redo": (0.01, (230, 700)),
    "recheck": (0.0, (190, 700)), "hearing": (0.01, (200, 700)), "after_recheck": (0.01, (330, 700)),
}
STALL_SHARE = 0.02  # matters a unit "forgets": still open, clock long past due


@dataclass
class MatterSpec:
    seed: int
    day: dt.date
    channel: str
    goal: State | None = None
    features: set[str] = field(default_factory=set)
    received: dt.datetime | None = None


def _office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(8 * 60 + 30, 17 * 60 + 20)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59))))


def _any_time(rng: random.Random, day: dt.date) -> dt.datetime:
    minutes = rng.randint(7 * 60, 23 * 60 + 30)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(minutes // 60, minutes % 60, rng.randint(0, 59))))


def received_time(rng: random.Random, day: dt.date, channel: str, cal: WorkCalendar, now: dt.datetime) -> dt.datetime:
    if channel in OFFICE_CHANNELS:
        while not cal.is_workday(day):
            day -= dt.timedelta(days=1)
        when = _office_time(rng, day)
    else:
        when = _any_time(rng, day)
    latest = now - dt.timedelta(minutes=30)
    if when > latest:
        when = latest - dt.timedelta(minutes=rng.randint(0, 240))
    return when


def make_specs(seed: int, count: int, *, now: dt.datetime, cal: WorkCalendar) -> list[MatterSpec]:
    rng = random.Random(f"{seed}-specs")
    today = timezone.localdate(now)
    days = [today - dt.timedelta(days=n) for n in range(730, -1, -1)]
    weights = []
    for i, day in enumerate(days):
        growth = 0.8 + 0.4 * i / len(days)  # volume grows a little over the two years
        weights.append(growth * (1.0 if cal.is_workday(day) else 0.3))
    channels, channel_weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())

    specs = []
    for day in rng.choices(days, weights=weights, k=count):
        channel = rng.choices(channels, weights=channel_weights)[0]
        specs.append(MatterSpec(seed=rng.getrandbits(62), day=day, channel=channel))

    def age_day(lo: int, hi: int) -> dt.date:
        return today - dt.timedelta(days=rng.randint(lo, hi))

    # Forced coverage on distinct matters: one per open state, then each feature.
    order = list(range(count))
    rng.shuffle(order)
    cursor = 0
    for goal in OPEN_GOALS:
        if cursor >= count:
            break
        spec = specs[order[cursor]]
        spec.goal = goal
        spec.day = age_day(*GOAL_AGE[goal])
        cursor += 1
    for name, (share, (lo, hi)) in FEATURES.items():
        wanted = max(1, round(share * count))
        for _ in range(wanted):
            if cursor >= count:
                break
            spec = specs[order[cursor]]
            spec.features.add(name)
            if name == "upstream":
                spec.channel = Channel.UPSTREAM
            if name in ("anonymous",):
                spec.channel = Channel.LETTER
            if name == "collective":
                spec.channel = Channel.VISIT
            age = (today - spec.day).days
            if not lo <= age <= hi:
                spec.day = age_day(lo, min(hi, 700))
            cursor += 1
    # Every channel at least once (on matters without a forced channel).
    free = order[cursor:] or order
    for channel, i in zip(CHANNEL_WEIGHTS, free, strict=False):
        specs[i].channel = channel
    # A few matters stall in a random open state long before today: they show as overdue.
    for i in order[cursor:]:
        if rng.random() < STALL_SHARE:
            specs[i].goal = rng.choice(OPEN_GOALS[1:])
            age = (today - specs[i].day).days
            if age < 90:
                specs[i].day = age_day(90, 400)
    for spec in specs:
        spec.received = received_time(rng, spec.day, spec.channel, cal, now)
    specs.sort(key=lambda s: (s.received, s.seed))
    return specs
