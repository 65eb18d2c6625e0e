"""宣传活动 (the 条例, at least once a year) and training of petition staff."""

from __future__ import annotations

from django.db import transaction

from xinfang.org.models import User

from .. import validation as v
from ..access import require_bureau_writer
from ..models import PublicityActivity, Training

MAX_HOURS = 200


def publicity_create(*, actor, data: dict) -> PublicityActivity:
    v.no_nul(data)
    require_bureau_writer(actor, "宣传活动由信访局登记。")
    fields = {
        "date": v.past_date(data, "date", "活动日期"),
        "title": v.text(data, "title", "活动名称", max_length=200),
        "place": v.text(data, "place", "地点", max_length=200),
        "audience_count": v.integer(data, "audience_count", "受众人数", minimum=0, maximum=10_000_000),
        "material": v.text(data, "material", "宣传材料/形式", required=False, max_length=5000),
    }
    with transaction.atomic():
        return PublicityActivity.objects.create(unit=actor.unit, created_by=actor, **fields)


def _hours(data: dict):
    from decimal import Decimal, InvalidOperation

    raw = data.get("hours")
    if raw is None or raw == "" or isinstance(raw, bool):
        v.fail("hours", "请填写学时。")
    try:
        hours = Decimal(str(raw))
    except InvalidOperation:
        v.fail("hours", f"学时“{raw}”不是有效数字。")
    if not hours.is_finite() or hours <= 0 or hours > MAX_HOURS:
        v.fail("hours", f"学时应大于 0、不超过 {MAX_HOURS}。")
    if hours.as_tuple().exponent < -1:  # type: ignore[operator]
        v.fail("hours", "学时最多保留一位小数。")
    return hours


def training_create(*, actor, data: dict) -> Training:
    v.no_nul(data)
    require_bureau_writer(actor, "业务培训由信访局登记。")
    names = data.get("attendees") or []
    if isinstance(names, str):
        names = [n.strip() for n in names.replace("，", ",").replace("\n", ",").split(",") if n.strip()]
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        v.fail("attendees", "参训人员应为用户名列表。")
    names = list(dict.fromkeys(names))
    users = {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}
    missing = [n for n in names if n not in users]
    if missing:
        v.fail("attendees", f"用户名“{'、'.join(missing)}”不存在。")
    fields = {
        "date": v.past_date(data, "date", "培训日期"),
        "title": v.text(data, "title", "培训名称", max_length=200),
        "hours": _hours(data),
        "place": v.text(data, "place", "地点", required=False, max_length=200),
        "organizer": v.text(data, "organizer", "主办", required=False, max_length=120),
    }
    with transaction.atomic():
        row = Training.objects.create(created_by=actor, **fields)
        row.attendees.set(list(users.values()))
        return row
