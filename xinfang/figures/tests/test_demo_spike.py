"""The demo county's spike is found by the early warnings (the step added after the main load)."""

import datetime as dt

from django.utils import timezone

from xinfang.demo.generator.accounts import create_accounts
from xinfang.demo.generator.spike import add_spike
from xinfang.figures.alerts import alerts
from xinfang.org.data.loader import load_reference


def test_the_demo_spike_raises_alerts(db, frozen):
    load_reference()
    users = create_accounts(1)
    now = timezone.now()
    assert add_spike(users, now, 1) == (9, 11)
    found = alerts(users["registrar"], timezone.localdate(now))
    kinds = {(a["kind"], a["category"], a["region"]) for a in found}
    assert ("spike", "050000", "139999100000") in kinds and ("spike", "050000", None) in kinds
    assert ("collective", None, "139999100000") in kinds
    assert any(a["kind"] == "repeat" and a["count"] == 3 for a in found)
    assert all(a["to"] == dt.date(2026, 11, 22) for a in found)
