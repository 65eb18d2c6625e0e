"""Administration writes (issue 3 §6). Each change and its ChangeLog row are one transaction.

Units and users go through xinfang.org.services; categories, calendar days and clock settings
are written here (the core has no service for them). Clock settings are never edited: a change
adds a new RuleSet version, so existing deadlines keep the version they were computed with.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from xinfang.core.errors import InvalidInput
from xinfang.org import services as org
from xinfang.org.choices import Role
from xinfang.org.models import Category, Unit, User
from xinfang.workdays.models import CalendarOverride, CalendarYear, RuleSet
from xinfang.workdays.rules import DEFAULT_PERIODS, MAX_EXTENSION_DAYS

from ..models import ChangeLog

UNIT_FIELDS = ("code", "name", "short_name", "kind", "superior", "region", "active", "phone", "address")
USER_FIELDS = ("username", "full_name", "unit", "roles", "is_active", "phone")


def _value(obj, name):
    value = getattr(obj, name, None)
    if hasattr(value, "code"):
        return value.code
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return list(value)
    return value


def snapshot(obj, fields) -> dict:
    return {f: _value(obj, f) for f in fields}


def diff(before: dict, after: dict) -> dict:
    return {k: [before.get(k), after.get(k)] for k in after if before.get(k) != after.get(k)}


def log_change(*, actor, obj_type: str, ref: str, action: str, changes: dict, note: str = "") -> ChangeLog:
    return ChangeLog.objects.create(actor=actor, object_type=obj_type, object_ref=ref[:80], action=action,
                                    changes=changes, note=note[:200])


def _full_clean(obj) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        raise InvalidInput(next(iter(fields.values()))[0], fields=fields) from None


# ---- units and users (org services) ---------------------------------------------------------


@transaction.atomic
def unit_save(*, actor, unit: Unit | None, data: dict) -> Unit:
    if unit is None:
        created = org.unit_create(actor=actor, code=data["code"], name=data["name"], kind=data["kind"],
                                  superior=data.get("superior") or None, region=data.get("region") or None,
                                  short_name=data.get("short_name", ""))
        changes = {k: v for k, v in data.items() if k in ("active", "phone", "address") and v not in ("", None)}
        if changes:
            created = org.unit_update(actor=actor, unit=created, **changes)
        log_change(actor=actor, obj_type="unit", ref=created.code, action=ChangeLog.Action.CREATE,
                   changes={k: [None, v] for k, v in snapshot(created, UNIT_FIELDS).items()})
        return created
    before = snapshot(unit, UNIT_FIELDS)
    changes = {k: data[k] for k in ("name", "short_name", "kind", "active", "phone", "address") if k in data}
    if "superior" in data:
        changes["superior"] = data["superior"] or None
    if "region" in data:
        changes["region"] = data["region"] or None
    updated = org.unit_update(actor=actor, unit=unit, **changes)
    delta = diff(before, snapshot(updated, UNIT_FIELDS))
    if delta:
        log_change(actor=actor, obj_type="unit", ref=updated.code, action=ChangeLog.Action.UPDATE, changes=delta)
    return updated


@transaction.atomic
def user_save(*, actor, user: User | None, data: dict) -> User:
    if user is None:
        created = org.user_create(actor=actor, username=data["username"], password=data.get("password") or "",
                                  full_name=data.get("full_name", ""), unit=data.get("unit") or None,
                                  roles=data.get("roles") or [])
        extra = {k: data[k] for k in ("phone",) if data.get(k)}
        if "is_active" in data and not data["is_active"]:
            extra["is_active"] = False
        if extra:
            created = org.user_update(actor=actor, user=created, **extra)
        log_change(actor=actor, obj_type="user", ref=created.username, action=ChangeLog.Action.CREATE,
                   changes={k: [None, v] for k, v in snapshot(created, USER_FIELDS).items()})
        return created
    if user.pk == actor.pk and (Role.ADMIN not in (data.get("roles") or []) or data.get("is_active") is False):
        raise InvalidInput("不能取消自己的系统管理员角色或停用自己的账号。", fields={"roles": "不能取消自己的管理员角色"})
    before = snapshot(user, USER_FIELDS)
    changes = {k: data[k] for k in ("full_name", "roles", "is_active", "phone") if k in data}
    if "unit" in data:
        changes["unit"] = data["unit"] or None
    if data.get("password"):
        changes["password"] = data["password"]
    updated = org.user_update(actor=actor, user=user, **changes)
    delta = diff(before, snapshot(updated, USER_FIELDS))
    if data.get("password"):
        delta["password"] = ["***", "（已重置）"]
    if delta:
        log_change(actor=actor, obj_type="user", ref=updated.username, action=ChangeLog.Action.UPDATE, changes=delta)
    return updated


# ---- categories -------------------------------------------------------------------------------

CATEGORY_FIELDS = ("code", "name", "level", "parent", "version", "active")


def _category_parent(code: str) -> tuple[int, Category | None]:
    if code.endswith("0000"):
        return 1, None
    parent_code = code[:2] + "0000" if code.endswith("00") else code[:4] + "00"
    parent = Category.objects.filter(code=parent_code).first()
    if parent is None:
        raise InvalidInput(f"上级分类“{parent_code}”不存在，请先新增上级分类。", fields={"code": "上级分类不存在"})
    return (2 if code.endswith("00") else 3), parent


@transaction.atomic
def category_save(*, actor, category: Category | None, data: dict) -> Category:
    if category is None:
        code = str(data.get("code") or "").strip()
        if len(code) != 6 or not code.isdigit():
            raise InvalidInput("分类代码应为6位数字。", fields={"code": "分类代码应为6位数字"})
        if Category.objects.filter(code=code).exists():
            raise InvalidInput(f"分类代码“{code}”已存在。", fields={"code": "分类代码已存在"})
        level, parent = _category_parent(code)
        category = Category(code=code, level=level, parent=parent, name=data.get("name", "").strip(),
                            version=data.get("version") or "1", active=data.get("active", True))
        _full_clean(category)
        category.save()
        log_change(actor=actor, obj_type="category", ref=code, action=ChangeLog.Action.CREATE,
                   changes={k: [None, v] for k, v in snapshot(category, CATEGORY_FIELDS).items()})
        return category
    category = Category.objects.select_for_update().get(pk=category.pk)
    before = snapshot(category, CATEGORY_FIELDS)
    for attr in ("name", "version", "active"):
        if attr in data:
            setattr(category, attr, data[attr])
    _full_clean(category)
    category.save()
    delta = diff(before, snapshot(category, CATEGORY_FIELDS))
    if delta:
        log_change(actor=actor, obj_type="category", ref=category.code, action=ChangeLog.Action.UPDATE, changes=delta)
    return category


# ---- calendar ---------------------------------------------------------------------------------


@transaction.atomic
def calendar_override_set(*, actor, date: dt.date, is_workday: bool, note: str = "") -> CalendarOverride:
    existing = CalendarOverride.objects.select_for_update().filter(date=date).first()
    before = {"is_workday": existing.is_workday, "note": existing.note} if existing else {}
    row, _ = CalendarOverride.objects.update_or_create(
        date=date, defaults={"is_workday": is_workday, "note": note[:100], "created_by": actor})
    after = {"is_workday": is_workday, "note": row.note}
    log_change(actor=actor, obj_type="calendar_override", ref=date.isoformat(),
               action=ChangeLog.Action.UPDATE if existing else ChangeLog.Action.CREATE,
               changes=diff(before, after) if existing else {k: [None, v] for k, v in after.items()},
               note="只影响此后计算的期限，已计算的期限不变")
    return row


@transaction.atomic
def calendar_override_delete(*, actor, date: dt.date) -> None:
    row = CalendarOverride.objects.select_for_update().filter(date=date).first()
    if row is None:
        raise InvalidInput("该日期没有调整记录。", fields={"date": "没有调整记录"})
    log_change(actor=actor, obj_type="calendar_override", ref=date.isoformat(), action=ChangeLog.Action.DELETE,
               changes={"is_workday": [row.is_workday, None], "note": [row.note, None]})
    row.delete()


@transaction.atomic
def calendar_year_set(*, actor, year: int, confirmed: bool, note: str = "") -> CalendarYear:
    if not 2000 <= year <= 2100:
        raise InvalidInput("年份不合理。", fields={"year": "年份应在 2000–2100 之间"})
    existing = CalendarYear.objects.select_for_update().filter(year=year).first()
    before = {"confirmed": existing.confirmed, "note": existing.note} if existing else {}
    row, _ = CalendarYear.objects.update_or_create(year=year, defaults={"confirmed": confirmed, "note": note[:200]})
    after = {"confirmed": confirmed, "note": row.note}
    log_change(actor=actor, obj_type="calendar_year", ref=str(year),
               action=ChangeLog.Action.UPDATE if existing else ChangeLog.Action.CREATE,
               changes=diff(before, after) if existing else {k: [None, v] for k, v in after.items()})
    return row


# ---- clock settings (a new RuleSet version each time) -----------------------------------------

RULE_FIELDS = ("start_day_counted", "roll_over_to_workday", "max_extension_days", "due_soon_workdays",
               "collective_threshold", "ranking_min_sample", "allow_reevaluation")


def _rules_snapshot(row: RuleSet | None) -> dict:
    if row is None:
        defaults = RuleSet(version=0)
        return {"periods": dict(DEFAULT_PERIODS), **{f: getattr(defaults, f) for f in RULE_FIELDS}}
    periods = dict(DEFAULT_PERIODS)
    periods.update({k: int(v) for k, v in (row.periods or {}).items()})
    return {"periods": periods, **{f: getattr(row, f) for f in RULE_FIELDS}}


@transaction.atomic
def ruleset_create(*, actor, data: dict, note: str) -> RuleSet:
    if not note.strip():
        raise InvalidInput("请填写变更说明（依据的文件或原因）。", fields={"note": "请填写变更说明"})
    periods = {}
    for kind, default in DEFAULT_PERIODS.items():
        value = data.get("periods", {}).get(kind, default)
        if not isinstance(value, int) or not 1 <= value <= 365:
            raise InvalidInput("期限天数应为 1–365 之间的整数。", fields={f"period_{kind}": "应为 1–365"})
        periods[kind] = value
    if data.get("max_extension_days", 0) > MAX_EXTENSION_DAYS:
        raise InvalidInput("延期不得超过30日（《信访工作条例》第三十四条）。",
                           fields={"max_extension_days": "不得超过30日"})
    latest = RuleSet.objects.select_for_update().order_by("-version").first()
    before = _rules_snapshot(latest)
    version = (RuleSet.objects.aggregate(v=Max("version"))["v"] or 0) + 1
    row = RuleSet(version=version, periods=periods, note=note.strip()[:200], created_by=actor,
                  **{f: data[f] for f in RULE_FIELDS if f in data})
    _full_clean(row)
    row.save()
    after = _rules_snapshot(row)
    delta = diff({**before, "periods": None}, {**after, "periods": None})
    changed_periods = {k: [before["periods"].get(k), v] for k, v in after["periods"].items()
                       if before["periods"].get(k) != v}
    if changed_periods:
        delta["periods"] = changed_periods
    log_change(actor=actor, obj_type="ruleset", ref=f"v{version}", action=ChangeLog.Action.CREATE, changes=delta,
               note=row.note)
    return row
