"""Load the versioned reference data files of this directory into the database.

``regions.json`` (county → towns → villages, 12-digit codes), ``units.json`` (units with kinds
and superiors) and ``categories.json`` (3-level content categories, 6-digit codes, with a
``version``). Loading is idempotent: rows are created or updated *by code*; nothing is ever
deleted (matters reference these rows). A category missing from a newer file is deactivated
(kept for the matters filed under it); regions and units missing from the files are left alone,
because administrators add and edit those in the admin.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from django.db import transaction

from xinfang.org.choices import UnitKind
from xinfang.org.models import Category, Region, Unit

DATA_DIR = Path(__file__).resolve().parent
REGION_CODE = re.compile(r"^\d{12}$")
CATEGORY_CODE = re.compile(r"^\d{6}$")
UNIT_CODE = re.compile(r"^[A-Za-z0-9_-]+$")


class ReferenceDataError(ValueError):
    """The data file is inconsistent; the message (Chinese) names the offending entry."""


def read_json(name: str, data_dir: Path = DATA_DIR) -> dict:
    path = Path(data_dir) / name
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReferenceDataError(f"找不到参考数据文件 {path}") from None
    except json.JSONDecodeError as exc:
        raise ReferenceDataError(f"参考数据文件 {path} 不是有效的 JSON：{exc}") from None


def _current(obj, name: str):
    field = obj._meta.get_field(name)
    return getattr(obj, field.attname) if field.is_relation else getattr(obj, name)


def _comparable(value):
    return value.pk if hasattr(value, "_meta") else value


def _upsert(model, existing: dict, code: str, fields: dict, stats: Counter):
    """Create or update one row by code; count what happened."""
    obj = existing.get(code)
    if obj is None:
        obj = model(code=code, **fields)
        obj.full_clean(validate_unique=False, validate_constraints=False)
        obj.save()
        existing[code] = obj
        stats["created"] += 1
        return obj
    changed = [name for name, value in fields.items() if _current(obj, name) != _comparable(value)]
    if changed:
        for name in changed:
            setattr(obj, name, fields[name])
        obj.save(update_fields=changed)
        stats["updated"] += 1
    else:
        stats["unchanged"] += 1
    return obj


# ---- regions ---------------------------------------------------------------------------------


def flatten_regions(data: dict) -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code) in load order; checks the code structure."""
    county = data.get("county") or {}
    code = str(county.get("code", ""))
    if not REGION_CODE.match(code) or not code.endswith("000000"):
        raise ReferenceDataError(f"县级区划代码“{code}”应为12位数字且以 000000 结尾。")
    rows = [(code, county["name"], 1, None)]
    seen = {code}
    for town in data.get("towns", []):
        tcode = str(town["code"])
        if not REGION_CODE.match(tcode) or tcode[:6] != code[:6] or not tcode.endswith("000") or tcode == code:
            raise ReferenceDataError(f"乡镇（街道）“{town['name']}”的区划代码“{tcode}”应以县级代码前6位开头、以 000 结尾。")
        rows.append((tcode, town["name"], 2, code))
        for village in town.get("villages", []):
            vcode = str(village["code"])
            if not REGION_CODE.match(vcode) or vcode[:9] != tcode[:9] or vcode.endswith("000"):
                raise ReferenceDataError(f"村（社区）“{village['name']}”的区划代码“{vcode}”应以所属乡镇代码前9位开头。")
            rows.append((vcode, village["name"], 3, tcode))
    for row in rows[1:]:
        if row[0] in seen:
            raise ReferenceDataError(f"区划代码“{row[0]}”重复。")
        seen.add(row[0])
    return rows


def load_regions(data: dict) -> Counter:
    stats: Counter = Counter()
    existing = {r.code: r for r in Region.objects.all()}
    for code, name, level, parent_code in flatten_regions(data):
        parent = existing[parent_code] if parent_code else None
        _upsert(Region, existing, code, {"name": name, "level": level, "parent": parent}, stats)
    return stats


# ---- units -----------------------------------------------------------------------------------

UNIT_FIELDS = ("name", "short_name", "kind", "phone", "address")


def check_units(data: dict, known_codes: set[str]) -> list[dict]:
    units = data.get("units", [])
    codes = [str(u.get("code", "")) for u in units]
    duplicates = {c for c in codes if codes.count(c) > 1}
    if duplicates:
        raise ReferenceDataError(f"单位代码重复：{'、'.join(sorted(duplicates))}")
    available = set(codes) | known_codes
    for u in units:
        if not UNIT_CODE.match(u.get("code", "")):
            raise ReferenceDataError(f"单位代码“{u.get('code')}”只能包含字母、数字、下划线和连字符。")
        if u.get("kind") not in UnitKind.values:
            raise ReferenceDataError(f"单位“{u.get('name')}”的类别“{u.get('kind')}”无效。")
        if u.get("superior") and u["superior"] not in available:
            raise ReferenceDataError(f"单位“{u['name']}”的上级机关代码“{u['superior']}”不存在。")
    # No cycles in the superior chain (within the file).
    superior = {u["code"]: u.get("superior") for u in units}
    for start in superior:
        node, steps = superior.get(start), 0
        while node is not None and steps <= len(superior):
            if node == start:
                raise ReferenceDataError(f"单位“{start}”的上级机关形成循环。")
            node, steps = superior.get(node), steps + 1
    return units


def load_units(data: dict) -> Counter:
    stats: Counter = Counter()
    existing = {u.code: u for u in Unit.objects.all()}
    regions = {r.code: r for r in Region.objects.all()}
    units = check_units(data, set(existing))
    for u in units:
        if u.get("region") and u["region"] not in regions:
            raise ReferenceDataError(f"单位“{u['name']}”的所在区划“{u['region']}”不存在，请先加载区划。")
    # Pass 1: create missing rows without superior (a superior may come later in the file).
    created = set()
    for u in units:
        if u["code"] not in existing:
            fields = {name: str(u.get(name, "") or "") for name in UNIT_FIELDS}
            _upsert(Unit, existing, u["code"], {**fields, "region": regions.get(u.get("region") or "")}, stats)
            created.add(u["code"])
    # Pass 2: every field, superiors included; rows created above are not counted again.
    for u in units:
        fields = {name: str(u.get(name, "") or "") for name in UNIT_FIELDS}
        fields["region"] = regions.get(u.get("region") or "")
        fields["superior"] = existing[u["superior"]] if u.get("superior") else None
        _upsert(Unit, existing, u["code"], fields, Counter() if u["code"] in created else stats)
    return stats


# ---- categories ------------------------------------------------------------------------------


def flatten_categories(data: dict) -> list[tuple[str, str, int, str | None]]:
    """(code, name, level, parent code); 01..20 first level in file order, children by prefix."""
    rows: list[tuple[str, str, int, str | None]] = []

    def walk(node: dict, level: int, parent: str | None) -> None:
        code = str(node.get("code", ""))
        if not CATEGORY_CODE.match(code):
            raise ReferenceDataError(f"内容分类“{node.get('name')}”的代码“{code}”应为6位数字。")
        if level == 1 and not code.endswith("0000"):
            raise ReferenceDataError(f"一级分类“{node['name']}”的代码“{code}”应以 0000 结尾。")
        if level == 2 and (code[:2] != parent[:2] or not code.endswith("00") or code.endswith("0000")):
            raise ReferenceDataError(f"二级分类“{node['name']}”的代码“{code}”应以上级代码前2位开头、以 00 结尾。")
        if level == 3 and (code[:4] != parent[:4] or code.endswith("00")):
            raise ReferenceDataError(f"三级分类“{node['name']}”的代码“{code}”应以上级代码前4位开头。")
        rows.append((code, node["name"], level, parent))
        for child in node.get("children", []):
            if level >= 3:
                raise ReferenceDataError(f"内容分类“{node['name']}”最多三级。")
            walk(child, level + 1, code)

    for top in data.get("categories", []):
        walk(top, 1, None)
    codes = [r[0] for r in rows]
    if len(codes) != len(set(codes)):
        raise ReferenceDataError("内容分类代码重复。")
    return rows


def load_categories(data: dict) -> Counter:
    stats: Counter = Counter()
    version = str(data.get("version") or "").strip()
    if not version:
        raise ReferenceDataError("内容分类文件缺少 version（数据版本）。")
    existing = {c.code: c for c in Category.objects.all()}
    rows = flatten_categories(data)
    for code, name, level, parent_code in rows:
        parent = existing[parent_code] if parent_code else None
        fields = {"name": name, "level": level, "parent": parent, "version": version, "active": True}
        _upsert(Category, existing, code, fields, stats)
    in_file = {r[0] for r in rows}
    stale = [c for code, c in existing.items() if code not in in_file and c.active]
    for c in stale:
        c.active = False
        c.save(update_fields=["active"])
    stats["deactivated"] = len(stale)
    return stats


# ---- all -------------------------------------------------------------------------------------


@transaction.atomic
def load_reference(data_dir: Path = DATA_DIR) -> dict[str, Counter]:
    """Load regions, units and categories (in that order) in one transaction."""
    return {
        "regions": load_regions(read_json("regions.json", data_dir)),
        "units": load_units(read_json("units.json", data_dir)),
        "categories": load_categories(read_json("categories.json", data_dir)),
    }
