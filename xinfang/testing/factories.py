"""Test data built through the services (not raw rows), shared by every app's tests."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.utils import timezone

from xinfang.matters.services.actions import perform_action
from xinfang.matters.services.registration import register_petition
from xinfang.org.models import Category, Region, Unit, User

VALID_IDS = ["11010519491231002X", "110101199003074477", "440308199901010013", "130131198807151234"]
_seq = itertools.count(1)


def valid_id(seed: int) -> str:
    """A valid GB 11643 number, different for each seed."""
    from stdnum.cn import ric

    base = f"110105{1970 + seed % 40:04d}{1 + seed % 12:02d}{1 + seed % 28:02d}{seed % 1000:03d}"
    return base + ric.calc_check_digit(base + "0")  # the function ignores the last character


@dataclass
class County:
    county: Region
    town_region: Region
    village: Region
    other_town_region: Region
    bureau: Unit
    government: Unit
    city_government: Unit
    town: Unit
    other_town: Unit
    department: Unit
    legal: Unit
    discipline: Unit
    category: Category
    users: dict


def make_county() -> County:
    county = Region.objects.create(code="139999000000", name="示范县", level=1)
    town_region = Region.objects.create(code="139999100000", name="城关镇", level=2, parent=county)
    village = Region.objects.create(code="139999100001", name="东关村", level=3, parent=town_region)
    other_region = Region.objects.create(code="139999101000", name="河西乡", level=2, parent=county)
    city_gov = Unit.objects.create(code="CITYGOV", name="示范市人民政府", kind="external")
    gov = Unit.objects.create(code="GOV", name="示范县人民政府", kind="government", superior=city_gov, region=county)
    bureau = Unit.objects.create(code="XFJ", name="示范县信访局", kind="bureau", superior=gov, region=county)
    town = Unit.objects.create(code="T01", name="城关镇人民政府", kind="town", superior=gov, region=town_region)
    other_town = Unit.objects.create(code="T02", name="河西乡人民政府", kind="town", superior=gov, region=other_region)
    dept = Unit.objects.create(code="D01", name="示范县住房和城乡建设局", kind="department", superior=gov, region=county)
    legal = Unit.objects.create(code="ZFW", name="中共示范县委政法委员会", kind="legal_affairs", region=county)
    discipline = Unit.objects.create(code="JW", name="示范县纪委监委", kind="discipline", region=county)
    top = Category.objects.create(code="010000", name="城乡建设", level=1)
    mid = Category.objects.create(code="010100", name="住房保障与房地产", level=2, parent=top)
    cat = Category.objects.create(code="010101", name="物业管理", level=3, parent=mid)
    users = {}
    spec = [
        ("registrar", bureau, ["registrar"]),
        ("officer", bureau, ["case_officer"]),
        ("bleader", bureau, ["bureau_leader"]),
        ("handler", town, ["unit_handler"]),
        ("uleader", town, ["unit_leader"]),
        ("handler2", other_town, ["unit_handler"]),
        ("dhandler", dept, ["unit_handler"]),
        ("cleader", gov, ["county_leader"]),
        ("auditor", bureau, ["auditor"]),
        ("admin", bureau, ["admin"]),
        ("nobody", town, []),
    ]
    for username, unit, roles in spec:
        user = User(username=username, full_name=username, unit=unit, roles=roles)
        user.set_password("pass-1234-word")
        user.save()
        users[username] = user
    return County(county, town_region, village, other_region, bureau, gov, city_gov, town, other_town, dept,
                  legal, discipline, cat, users)


def petition_data(c: County, **overrides) -> dict:
    n = next(_seq)
    data = {
        "channel": "visit",
        "received_at": (timezone.now() - dt.timedelta(days=1)).isoformat(),
        "purpose": "request",
        "category": c.category.code,
        "region": c.village.code,
        "title": f"小区物业违规收费问题{n}",
        "content": "反映城关镇东关村某小区物业公司违规收取停车费，要求退还。",
        "petitioners": [{"name": "张三", "id_number": valid_id(n), "phone": "13812345678", "address": "东关村1号"}],
    }
    data.update(overrides)
    return data


def register(c: County, user=None, **overrides):
    return register_petition(actor=user or c.users["registrar"], data=petition_data(c, **overrides))


def act(c: County, username: str, matter, action: str, **params):
    actor = c.users[username] if username else None
    via = "system" if username is None else "staff"
    return perform_action(actor=actor, number=matter.number, action=action, params=params, via=via)


def at(day: str, hour: int = 10) -> str:
    """ISO datetime in Asia/Shanghai for a date string."""
    return f"{day}T{hour:02d}:00:00+08:00"
