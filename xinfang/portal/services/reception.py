"""The leader reception-day schedule, maintained by bureau staff (or in Django admin)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang.core.errors import InvalidInput, NotAllowed
from xinfang.org.choices import Role
from xinfang.org.permissions import BUREAU_ROLES

from ..models import ReceptionDay

FIELDS = ("leader_name", "leader_title", "date", "start_time", "end_time", "place", "topic", "note", "published")


def may_manage_reception(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and user.is_active
        and user.in_bureau and user.has_role(*BUREAU_ROLES, Role.ADMIN)
    )


def _check(actor) -> None:
    if not may_manage_reception(actor):
        raise NotAllowed("只有信访局工作人员可以维护领导接访日安排。")


def _save(day: ReceptionDay) -> ReceptionDay:
    try:
        day.full_clean()
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from None
    day.save()
    return day


@transaction.atomic
def reception_day_create(*, actor, **values) -> ReceptionDay:
    _check(actor)
    return _save(ReceptionDay(created_by=actor, **{k: values[k] for k in FIELDS if k in values}))


@transaction.atomic
def reception_day_update(*, actor, day: ReceptionDay, **values) -> ReceptionDay:
    _check(actor)
    for key in FIELDS:
        if key in values:
            setattr(day, key, values[key])
    return _save(day)


@transaction.atomic
def reception_day_delete(*, actor, day: ReceptionDay) -> None:
    _check(actor)
    day.delete()
