"""The leaders' side of the demo county: every state, through the services, idempotent, no SMS."""

import datetime as dt

import pytest
import time_machine
from django.core.management import CommandError, call_command

from xinfang.demo.generator import generate
from xinfang.leaders.models import (
    Booking,
    Hearing,
    LeaderCase,
    Meeting,
    ReceptionRecord,
    ReceptionSession,
    Task,
)
from xinfang.notifications.senders.logging import LoggingSender

pytestmark = pytest.mark.django_db


def test_demo_leaders_in_every_state(django_capture_on_commit_callbacks):
    with pytest.raises(CommandError):
        call_command("load_demo_leaders", verbosity=0)
    with time_machine.travel(dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        generate(seed=7, matters=120, documents_days=0)
        LoggingSender.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("load_demo_leaders", verbosity=0)
        assert not [m for m in LoggingSender.outbox if m.template_key.startswith("reception_")]
        assert {s.kind for s in ReceptionSession.objects.all()} == {"reception_day", "appointment", "visit_down"}
        assert ReceptionSession.objects.filter(published=True).count() == 2
        assert {b.status for b in Booking.objects.all()} == {"pending", "confirmed", "cancelled"}
        assert Booking.objects.exclude(rescheduled_from=None).exists()
        assert ReceptionRecord.objects.exclude(instructions="").exists()
        assert {c.status for c in LeaderCase.objects.all()} == {"open", "resolved"}
        assert {t.status for t in Task.objects.filter(decision__isnull=False)} == {"open", "reported", "done"}
        assert Meeting.objects.count() == 2
        hearings = set(Hearing.objects.values_list("status", flat=True))
        assert hearings and hearings <= {"scheduled", "open", "closed", "concluded"}
        before = (ReceptionSession.objects.count(), Task.objects.count())
        call_command("load_demo_leaders", verbosity=0)  # idempotent
        assert (ReceptionSession.objects.count(), Task.objects.count()) == before
