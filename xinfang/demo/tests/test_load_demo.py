"""The 示范县 demo generator: coverage of every state and channel, determinism, the command."""

import datetime as dt
import itertools

import phonenumbers
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone
from stdnum.cn import ric

from xinfang.demo.generator import generate
from xinfang.demo.generator.story import PEOPLE_IN_TEXT
from xinfang.demo.models import DemoRun
from xinfang.matters.choices import Channel, State
from xinfang.matters.models import Event, Matter, Petitioner
from xinfang.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def a_fixed_day():
    """Small runs are checked for coverage (every state…); which states a 60-matter run reaches
    depends on the day it ends, so these tests run on one fixed Friday afternoon."""
    with time_machine.travel(dt.datetime(2026, 11, 20, 16, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))):
        yield


def snapshot():
    return list(Matter.objects.order_by("number").values_list(
        "number", "title", "status", "close_reason", "channel", "category__code", "region__code", "received_at",
        "petitioner_names", "event_count"))


def generate_and_roll_back(**kw):
    with transaction.atomic():
        run, stats = generate(**kw)
        rows = snapshot()
        transaction.set_rollback(True)
    return run, stats, rows


def test_small_demo_covers_every_state_and_channel_through_the_services():
    run, stats = generate(seed=7, matters=60, documents_days=0)
    assert stats.refused == [], stats.refused
    assert run.matters == Matter.objects.count() == 60
    assert {m.status for m in Matter.objects.all()} == set(State.values)
    assert {m.channel for m in Matter.objects.all()} == set(Channel.values)
    # Every state comes from the workflow: an event chain from ``register`` to the current status.
    for m in Matter.objects.prefetch_related("events"):
        events = list(m.events.all())
        assert events[0].action == "register" and [e.seq for e in events] == list(range(1, len(events) + 1))
        assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(events))
        assert events[-1].to_status == m.status, m.number
    assert Event.objects.filter(action="add_petition").exists()
    # Realistic people: valid resident ID numbers and mobile numbers.
    people = list(Petitioner.objects.all())
    assert people and all(ric.is_valid(p.id_number) for p in people if p.id_number)
    assert all(phonenumbers.is_valid_number(phonenumbers.parse(p.phone, "CN")) for p in people if p.phone)
    # Staff accounts for every role.
    roles = {r for u in User.objects.all() for r in u.roles}
    assert {"registrar", "case_officer", "bureau_leader", "unit_handler", "unit_leader", "county_leader", "auditor",
            "admin"} <= roles
    assert User.objects.get(username="t01_handler").check_password("xinfang-demo")
    # A text that says "信访人等N人" concerns N people: its 涉及人数 says at least as many.
    counted = [(m, int(n.group(1))) for m in Matter.objects.filter(content__contains="信访人等")
               if (n := PEOPLE_IN_TEXT.search(m.content))]
    assert counted and all(m.involved_count >= n for m, n in counted), [(m.number, m.involved_count, n) for m, n in counted]


def test_same_seed_same_demo():
    _, _, first = generate_and_roll_back(seed=11, matters=12, documents_days=0)
    _, _, second = generate_and_roll_back(seed=11, matters=12, documents_days=0)
    assert len(first) == 12
    assert first == second


def test_seeds_differ_and_dates_span_two_years():
    from django.utils import timezone

    from xinfang.demo.generator.specs import make_specs
    from xinfang.workdays.models import load_calendar

    now, cal = timezone.now(), load_calendar()
    a, b = make_specs(1, 300, now=now, cal=cal), make_specs(2, 300, now=now, cal=cal)
    assert [s.received for s in a] != [s.received for s in b]
    assert [s.received for s in a] == [s.received for s in make_specs(1, 300, now=now, cal=cal)]
    received = [s.received for s in a]
    assert max(received) <= now and min(received) >= now - dt.timedelta(days=732)
    assert max(received) - min(received) > dt.timedelta(days=600)
    assert received == sorted(received)


def test_command_status_accounts_and_refusals(capsys):
    call_command("load_demo", "--status")
    assert capsys.readouterr().out.strip() == "empty"
    with pytest.raises(CommandError, match="尚未生成"):
        call_command("load_demo", "--accounts")
    call_command("load_demo", "--matters", "4", "--seed", "5", verbosity=0)
    out = capsys.readouterr().out
    assert "示范县演示数据已生成" in out
    call_command("load_demo", "--status")
    assert capsys.readouterr().out.strip() == "loaded"
    call_command("load_demo", "--accounts")
    accounts = capsys.readouterr().out
    assert "xinfang-demo" in accounts and "registrar" in accounts and "t01_handler" in accounts
    call_command("load_demo")  # already loaded: does nothing
    assert "已存在" in capsys.readouterr().out
    assert DemoRun.objects.count() == 1 and Matter.objects.count() == 4


def test_refuses_a_database_with_real_matters(county):
    from xinfang.testing.factories import register

    register(county)
    with pytest.raises(CommandError, match="已有信访事项"):
        call_command("load_demo", "--matters", "3")


def test_demo_hooks_skip_messages_and_old_documents(monkeypatch):
    """After-commit hooks (SMS) never run; document hooks only for acts since the cut-off."""
    from types import SimpleNamespace

    from xinfang.demo.generator.runner import demo_hooks
    from xinfang.matters import hooks

    calls = []

    def document_hook(event, matter):
        calls.append(("doc", event.occurred_at))

    document_hook.__module__ = "xinfang.documents.services"

    def other_hook(event, matter):
        calls.append(("other", event.occurred_at))

    def message_hook(event, matter):
        calls.append(("sms", event.occurred_at))

    monkeypatch.setattr(hooks, "_in_transaction", [document_hook, other_hook])
    monkeypatch.setattr(hooks, "_after_commit", [message_hook])
    cutoff = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
    old, new = SimpleNamespace(occurred_at=cutoff - dt.timedelta(days=1)), SimpleNamespace(occurred_at=cutoff)
    with transaction.atomic(), demo_hooks(cutoff):
        hooks.run(old, None)
        hooks.run(new, None)
    assert calls == [("other", old.occurred_at), ("doc", new.occurred_at), ("other", new.occurred_at)]
    assert hooks._in_transaction == [document_hook, other_hook]  # restored


def test_history_is_recorded_as_it_happened():
    """Registration and record times follow the simulated history, not the moment of the load:
    no event looks like a late paper entry (补录) and "registered today" counts only today's."""
    from xinfang.matters.models import Petition

    generate(seed=5, matters=40, documents_days=0)
    for e in Event.objects.all():
        assert dt.timedelta(0) <= e.recorded_at - e.occurred_at <= dt.timedelta(hours=1), (e.matter_id, e.action)
    for p in Petition.objects.all():
        assert dt.timedelta(0) <= p.registered_at - p.received_at <= dt.timedelta(hours=1), p.number
    assert Matter.objects.filter(updated_at__lt=timezone.now() - dt.timedelta(days=30)).exists()
