"""Reference data by code, with Chinese messages naming the field (services' input parsing)."""

from __future__ import annotations

from collections.abc import Iterable

from xinfang.core.validation import fail

from . import reference
from .models import Category, Region, Unit


def unit_by_code(code, field: str = "unit", label: str = "单位") -> Unit:
    if not code:
        fail(field, f"请选择{label}。")
    unit = reference.unit_by_code(str(code))  # cached per process
    if unit is None or not unit.active:
        fail(field, f"{label}代码“{code}”不存在。")
    return unit


def units_by_codes(codes: Iterable, field: str, label: str) -> list[Unit]:
    codes = [str(c) for c in (codes or []) if c]
    units = {c: reference.unit_by_code(c) for c in codes}  # cached per process
    missing = [c for c, u in units.items() if u is None or not u.active]
    if missing:
        fail(field, f"{label}代码“{'、'.join(missing)}”不存在。")
    return [units[c] for c in codes]


def category_by_code(code, field: str = "category") -> Category:
    if not code:
        fail(field, "请选择内容分类。")
    category = reference.category_by_code(str(code))  # cached per process
    if category is None or not category.active:
        fail(field, f"内容分类代码“{code}”不存在。")
    return category


def region_by_code(code, field: str = "region") -> Region:
    if not code:
        fail(field, "请选择问题属地。")
    region = reference.region_by_code(str(code))  # cached per process
    if region is None:
        fail(field, f"行政区划代码“{code}”不存在。")
    return region


def accounts_with_roles(roles: Iterable[str]) -> list:
    """Active accounts holding any of ``roles`` (for pickers), by unit then name. Roles are a JSON list:
    filtered here rather than in SQL so that SQLite and PostgreSQL behave the same."""
    from .models import User

    wanted = set(roles)
    users = User.objects.filter(is_active=True).exclude(roles=[]).select_related("unit").order_by("unit__code", "username")
    return [u for u in users if wanted & set(u.roles or [])]
