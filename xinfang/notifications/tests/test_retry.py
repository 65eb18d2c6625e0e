"""Retries with exponential backoff; permanent failures stop; the command sends what is due."""

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command

from xinfang.notifications.models import Notification
from xinfang.notifications.services import create_for_event, retry_now, send_pending_notifications
from xinfang.testing.factories import register

pytestmark = pytest.mark.django_db
CST = dt.timezone(dt.timedelta(hours=8))
START = dt.datetime(2026, 9, 10, 9, tzinfo=CST)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(county, settings, clock):
    """One queued SMS (the hook ran in queue-only mode, as a production queue would leave it)."""
    settings.XINFANG_NOTIFY_SEND_IMMEDIATELY = False
    result = register(county)
    create_for_event(result.matter.events.get(action="register"), result.matter)
    return Notification.objects.get()


def test_backoff_then_failed_after_max_attempts(queued, settings, clock):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.tests.conftest.FailingSender"
    settings.XINFANG_NOTIFY_MAX_ATTEMPTS = 3
    settings.XINFANG_NOTIFY_RETRY_BASE_SECONDS = 60
    assert send_pending_notifications()["retry"] == 1
    queued.refresh_from_db()
    assert queued.attempts == 1 and queued.next_attempt_at == START + dt.timedelta(seconds=60)
    assert send_pending_notifications() == {"sent": 0, "retry": 0, "failed": 0, "skipped": 0}  # not due yet
    clock.shift(dt.timedelta(seconds=61))
    assert send_pending_notifications()["retry"] == 1
    queued.refresh_from_db()
    assert queued.attempts == 2 and queued.next_attempt_at == START + dt.timedelta(seconds=61 + 120)
    clock.shift(dt.timedelta(seconds=121))
    assert send_pending_notifications()["failed"] == 1
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.last_error == "网关超时" and queued.next_attempt_at is None


def test_permanent_failure_is_not_retried_until_staff_retry(queued, settings):
    settings.XINFANG_SMS_BACKEND = "xinfang.notifications.tests.conftest.PermanentFailSender"
    assert send_pending_notifications()["failed"] == 1
    queued.refresh_from_db()
    assert queued.status == "failed" and queued.attempts == 1
    settings.XINFANG_SMS_BACKEND = "logging"
    retry_now(actor=None, notification=queued)
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.attempts == 1 and queued.sent_at is not None


def test_stale_sending_rows_are_requeued(queued):
    Notification.objects.filter(pk=queued.pk).update(status="sending")
    assert send_pending_notifications()["sent"] == 0  # a fresh 'sending' row belongs to a live worker
    later = START + dt.timedelta(minutes=11)
    assert send_pending_notifications(now=later)["sent"] == 1


def test_command_sends_due_rows(queued, capsys):
    call_command("send_pending_notifications")
    assert "已发送 1" in capsys.readouterr().out
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.provider_message_id.startswith("log-")
