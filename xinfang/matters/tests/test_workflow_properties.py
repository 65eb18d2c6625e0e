"""Property test: random sequences of actions by random staff keep every invariant, and the
server accepts exactly what `allowed_actions` offers (the UI and the server never disagree)."""

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.core.errors import (
    AppError,
    ClockViolation,
    InvalidInput,
    NotAllowed,
    NotVisible,
    StaleVersion,
    StateConflict,
)
from xinfang.matters.choices import State
from xinfang.matters.models import Deadline, Matter
from xinfang.matters.services.actions import perform_action
from xinfang.matters.workflow import ACTIONS, WORKFLOW, allowed_actions
from xinfang.testing.factories import register
from xinfang.testing.inputs import example_params
from xinfang.workdays.rules import AUTHORITY_CLOCKS

pytestmark = pytest.mark.django_db

USERS = ["registrar", "officer", "bleader", "handler", "uleader", "handler2", "auditor"]
# (user, action, which of the declared choices): the inputs come from each action's declaration.
steps = st.lists(st.tuples(st.sampled_from(USERS), st.sampled_from(ACTIONS), st.integers(0, 5)), min_size=1, max_size=20)


def check_invariants(matter: Matter) -> None:
    events = list(matter.events.order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(a.occurred_at <= b.occurred_at for a, b in itertools.pairwise(events))
    last_status = [e.to_status for e in events if e.to_status][-1]
    assert matter.status == last_status
    assert (matter.status == State.CLOSED) == bool(matter.close_reason)
    running = Deadline.objects.filter(matter=matter, met_at__isnull=True, cancelled_at__isnull=True)
    authority = [d.due for d in running if d.kind in {k.value for k in AUTHORITY_CLOCKS}]
    assert matter.next_due == (min(authority) if authority else None)
    if matter.status == State.CLOSED:
        assert not authority
    assert matter.version == len(events)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(sequence=steps)
def test_random_action_sequences_keep_the_invariants(county, sequence):
    matter = register(county).matter
    for username, action, pick in sequence:
        user = county.users[username]
        matter = Matter.objects.get(pk=matter.pk)
        offered = action in allowed_actions(user, matter) if _visible(user, matter) else False
        try:
            perform_action(actor=user, number=matter.number, action=action, params=example_params(WORKFLOW[action], pick))
        except (ClockViolation, InvalidInput) as exc:
            # allowed in principle, refused for its time limit or its fields (e.g. evaluation windows)
            assert isinstance(exc, AppError)
        except (StateConflict, NotAllowed, NotVisible) as exc:
            assert not isinstance(exc, StaleVersion)
            assert not offered, f"{action} was offered to {username} in {matter.status} but refused: {exc.message}"
        else:
            assert offered, f"{action} by {username} in {matter.status} succeeded but was not offered"
        check_invariants(Matter.objects.get(pk=matter.pk))


def _visible(user, matter) -> bool:
    from xinfang.matters.access import visible_matters

    return visible_matters(user).filter(pk=matter.pk).exists()
