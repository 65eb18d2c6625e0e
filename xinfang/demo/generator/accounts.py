"""Demo staff accounts for every role (documented in docs/demo.md and printed by --accounts)."""

from __future__ import annotations

import os
import random
import unicodedata

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password

from xinfang.org.choices import Role, UnitKind
from xinfang.org.models import Unit, User

from .people import material

DEMO_PASSWORD = "xinfang-demo"
UNIT_ACCOUNT_KINDS = (UnitKind.TOWN, UnitKind.DEPARTMENT, UnitKind.LEGAL_AFFAIRS, UnitKind.DISCIPLINE, UnitKind.ORGANIZATION)

# username, full name, unit code, roles
COUNTY_ACCOUNTS = [
    ("registrar", "李晓燕", "XFJ", [Role.REGISTRAR]),
    ("registrar2", "赵明", "XFJ", [Role.REGISTRAR]),
    ("officer", "王建军", "XFJ", [Role.CASE_OFFICER]),
    ("officer2", "刘芳", "XFJ", [Role.CASE_OFFICER]),
    ("officer3", "陈志强", "XFJ", [Role.CASE_OFFICER]),
    ("bleader", "张国庆", "XFJ", [Role.BUREAU_LEADER]),
    ("cleader", "孙立新", "GOV", [Role.COUNTY_LEADER]),
    ("auditor", "周文静", "XFJ", [Role.AUDITOR]),
    ("admin", "系统管理员", "XFJ", [Role.ADMIN]),
]


def handler_username(unit_code: str) -> str:
    return f"{unit_code.lower()}_handler"


def leader_username(unit_code: str) -> str:
    return f"{unit_code.lower()}_leader"


def create_accounts(seed: int) -> dict[str, User]:
    """Create (or reuse) every demo account; one PBKDF2 hash is computed and shared (fast)."""
    validate_password(DEMO_PASSWORD)
    password_hash = make_password(DEMO_PASSWORD)
    units = {u.code: u for u in Unit.objects.all()}
    rng = random.Random(f"{seed}-accounts")
    surnames = material()["surnames"][:60]
    given = material()["given"]["male_young"] + material()["given"]["female_young"]

    wanted: list[tuple[str, str, Unit, list[str]]] = [
        (username, name, units[code], [str(r) for r in roles]) for username, name, code, roles in COUNTY_ACCOUNTS
    ]
    for unit in sorted(units.values(), key=lambda u: u.code):
        if unit.kind not in UNIT_ACCOUNT_KINDS:
            continue
        wanted.append((handler_username(unit.code), rng.choice(surnames) + rng.choice(given), unit, [Role.UNIT_HANDLER.value]))
        wanted.append((leader_username(unit.code), rng.choice(surnames) + rng.choice(given), unit, [Role.UNIT_LEADER.value]))

    existing = {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted]).select_related("unit")}
    new = []
    for username, full_name, unit, roles in wanted:
        if username in existing:
            continue
        user = User(username=username, full_name=full_name, unit=unit, roles=roles, password=password_hash,
                    is_staff=username == "admin", is_superuser=username == "admin")
        new.append(user)
    User.objects.bulk_create(new)
    return {u.username: u for u in User.objects.filter(username__in=[w[0] for w in wanted]).select_related("unit")}


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 1)


def accounts_table() -> str:
    """The demo accounts as a Chinese table (what ``load_demo --accounts`` prints)."""
    role_labels = dict(Role.choices)
    lines = [f"示范县演示账号（所有账号的密码均为：{DEMO_PASSWORD}）", ""]
    lines.append(_pad("用户名", 14) + _pad("姓名", 12) + _pad("单位", 12) + "角色")
    names = [a[0] for a in COUNTY_ACCOUNTS]
    users = {u.username: u for u in User.objects.filter(username__in=names).select_related("unit")}
    for username in names:
        u = users.get(username)
        if u is None:
            continue
        roles = "、".join(role_labels.get(r, r) for r in u.roles)
        lines.append(_pad(username, 14) + _pad(u.full_name, 12) + _pad(u.unit.short_name or u.unit.name, 12) + roles)
    lines += ["", "各乡镇（街道）、县直部门、政法委、纪委监委、组织部：经办人 <代码>_handler，负责人 <代码>_leader"]
    order = {kind: i for i, kind in enumerate(UNIT_ACCOUNT_KINDS)}
    units = sorted(Unit.objects.filter(kind__in=UNIT_ACCOUNT_KINDS), key=lambda u: (order[u.kind], u.code))
    present = set(User.objects.filter(username__endswith="_handler").values_list("username", flat=True))
    cells = [_pad(f"{u.code.lower()} {u.short_name or u.name}", 24) for u in units if handler_username(u.code) in present]
    for i in range(0, len(cells), 4):
        lines.append("  " + "".join(cells[i:i + 4]).rstrip())
    # where ./run demo serves (XINFANG_HOST / XINFANG_PORT, as in ./run)
    base = f"http://{os.environ.get('XINFANG_HOST', '127.0.0.1')}:{os.environ.get('XINFANG_PORT', '8000')}"
    lines += ["", "例：城关镇经办人 t01_handler、负责人 t01_leader；县住建局经办人 d01_handler。",
              f"工作台 {base}/login/ ；系统管理 {base}/manage/ 、Django 后台 {base}/django-admin/ 使用 admin 账号。"]
    return "\n".join(lines)
