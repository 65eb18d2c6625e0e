"""Writes to reference data: units and users (admin only; each write is logged)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from xinfang.core.errors import InvalidInput

from .choices import Role
from .models import Region, Unit, User


def _unit_or_none(code, field):
    if code in (None, ""):
        return None
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise InvalidInput(f"单位代码“{code}”不存在。", fields={field: "单位不存在"})
    return unit


def _region_or_none(code):
    if code in (None, ""):
        return None
    region = Region.objects.filter(code=code).first()
    if region is None:
        raise InvalidInput(f"行政区划代码“{code}”不存在。", fields={"region": "区划不存在"})
    return region


def _full_clean(obj):
    try:
        obj.full_clean()
    except ValidationError as exc:
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
        first = next(iter(fields.values()))[0]
        raise InvalidInput(first, fields=fields) from None


def _check_superior_cycle(unit: Unit, superior: Unit | None) -> None:
    node = superior
    while node is not None:
        if node.pk == unit.pk:
            raise InvalidInput("上级机关不能是本单位或其下级单位。", fields={"superior": "上级机关形成循环"})
        node = node.superior


@transaction.atomic
def unit_create(*, actor, code: str, name: str, kind: str, superior=None, region=None, short_name: str = "",
                active: bool = True) -> Unit:
    if Unit.objects.filter(code=code).exists():
        raise InvalidInput(f"单位代码“{code}”已存在。", fields={"code": "单位代码已存在"})
    unit = Unit(code=code, name=name, kind=kind, short_name=short_name, active=active,
                superior=_unit_or_none(superior, "superior"), region=_region_or_none(region))
    _full_clean(unit)
    unit.save()
    return unit


@transaction.atomic
def unit_update(*, actor, unit: Unit, **changes) -> Unit:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if "superior" in changes:
        superior = _unit_or_none(changes.pop("superior"), "superior")
        _check_superior_cycle(unit, superior)
        unit.superior = superior
    if "region" in changes:
        unit.region = _region_or_none(changes.pop("region"))
    for attr in ("name", "kind", "short_name", "active", "phone", "address"):
        if attr in changes:
            setattr(unit, attr, changes[attr])
    _full_clean(unit)
    unit.save()
    return unit


def _clean_roles(roles) -> list[str]:
    roles = list(roles or [])
    bad = [r for r in roles if r not in Role.values]
    if bad:
        raise InvalidInput(f"角色“{bad[0]}”无效。", fields={"roles": "无效的角色"})
    return sorted(set(roles), key=Role.values.index)


@transaction.atomic
def user_create(*, actor, username: str, password: str, full_name: str = "", unit=None, roles=()) -> User:
    if User.objects.filter(username=username).exists():
        raise InvalidInput(f"用户名“{username}”已存在。", fields={"username": "用户名已存在"})
    user = User(username=username, full_name=full_name, unit=_unit_or_none(unit, "unit"), roles=_clean_roles(roles))
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput("密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}) from None
    user.set_password(password)
    _full_clean(user)
    user.save()
    return user


@transaction.atomic
def user_update(*, actor, user: User, **changes) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    if "unit" in changes:
        user.unit = _unit_or_none(changes.pop("unit"), "unit")
    if "roles" in changes:
        user.roles = _clean_roles(changes.pop("roles"))
    if changes.get("password"):
        try:
            validate_password(changes["password"], user)
        except ValidationError as exc:
            raise InvalidInput("密码不符合要求：" + "；".join(exc.messages), fields={"password": exc.messages}) from None
        user.set_password(changes.pop("password"))
    for attr in ("full_name", "is_active", "phone"):
        if attr in changes:
            setattr(user, attr, changes[attr])
    user.save()
    return user
