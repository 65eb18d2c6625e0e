"""Reference data files and the idempotent ``load_reference`` command."""

import json
import shutil

import pytest
from django.core.management import CommandError, call_command

from xinfang.org.data.loader import DATA_DIR, load_reference
from xinfang.org.models import Category, Region, Unit

pytestmark = pytest.mark.django_db

FIRST_LEVEL = ["城乡建设", "农村农业", "自然资源", "生态环境", "劳动和社会保障", "卫生健康", "交通运输", "房产物业",
               "经济管理", "市场监督", "文体旅游", "党务政务", "组织人事", "科技与信息产业", "军队事务", "民政与应急",
               "教育", "政法", "纪检监察", "其他"]


def counts():
    return Region.objects.count(), Unit.objects.count(), Category.objects.count()


def test_load_reference_is_idempotent(capsys):
    call_command("load_reference")
    first = counts()
    assert first[0] > 60 and first[1] >= 45 and first[2] > 150
    capsys.readouterr()
    call_command("load_reference")
    out = capsys.readouterr().out
    assert counts() == first
    assert out.count("新增 0，更新 0") == 3, out


def test_region_codes_and_parents():
    load_reference()
    county = Region.objects.get(level=1)
    assert county.code == "139999000000" and county.name == "示范县" and county.parent is None
    towns = list(Region.objects.filter(level=2))
    assert len(towns) == 12
    for town in towns:
        assert len(town.code) == 12 and town.code.isdigit()
        assert town.parent == county and town.code[:6] == county.code[:6] and town.code.endswith("000")
        villages = list(town.children.all())
        assert 5 <= len(villages) <= 12, town.name
        for v in villages:
            assert v.level == 3 and len(v.code) == 12 and v.code.isdigit() and v.code[:9] == town.code[:9]
            assert v.name.endswith(("村", "社区"))
    assert all(t.name.endswith(("镇", "乡", "街道")) for t in towns)


def test_categories_three_levels_with_the_twenty_first_level_in_order():
    load_reference()
    version = json.loads((DATA_DIR / "categories.json").read_text(encoding="utf-8"))["version"]
    tops = list(Category.objects.filter(level=1).order_by("code"))
    assert [c.name for c in tops] == FIRST_LEVEL
    assert [c.code for c in tops] == [f"{i:02d}0000" for i in range(1, 21)]
    for top in tops:
        seconds = list(top.children.order_by("code"))
        assert 2 <= len(seconds) <= 5, top.name
        for second in seconds:
            assert second.code[:2] == top.code[:2] and second.code.endswith("00") and second.level == 2
            leaves = list(second.children.all())
            assert 2 <= len(leaves) <= 4, second.name
            assert all(leaf.code[:4] == second.code[:4] and leaf.level == 3 for leaf in leaves)
    assert set(Category.objects.values_list("version", flat=True)) == {version}


def test_units_kinds_and_superiors():
    load_reference()
    unit = {u.code: u for u in Unit.objects.select_related("superior", "region")}
    assert unit["XFJ"].kind == "bureau" and unit["XFJ"].name == "示范县信访局"
    assert unit["GOV"].kind == "government" and unit["GOV"].superior.code == "CITYGOV"
    assert unit["CITYGOV"].kind == unit["CITYXFJ"].kind == unit["PROVXFJ"].kind == "external"
    assert (unit["ZFW"].kind, unit["JW"].kind, unit["ZZB"].kind) == ("legal_affairs", "discipline", "organization")
    towns = [u for u in unit.values() if u.kind == "town"]
    departments = [u for u in unit.values() if u.kind == "department"]
    assert [u.code for u in sorted(towns, key=lambda u: u.code)] == [f"T{i:02d}" for i in range(1, 13)]
    assert len(departments) == 30
    assert all(u.superior.code == "GOV" for u in towns + departments)
    assert all(u.region.level == 2 and u.region.name in u.name for u in towns)
    names = {u.short_name for u in departments}
    assert {"县住建局", "县人社局", "县卫健局", "县教育局", "县公安局", "县信访联席办"} <= names


def test_changed_file_updates_by_code_and_never_deletes(tmp_path):
    load_reference()
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    cats = json.loads((data_dir / "categories.json").read_text(encoding="utf-8"))
    cats["version"] = "2027.1"
    removed = cats["categories"][19]["children"].pop()  # 2002 意见建议 and its leaves
    cats["categories"][0]["name"] = "城乡建设（新）"
    (data_dir / "categories.json").write_text(json.dumps(cats, ensure_ascii=False), encoding="utf-8")
    units = json.loads((data_dir / "units.json").read_text(encoding="utf-8"))
    units["units"] = [u for u in units["units"] if u["code"] != "D30"]
    (data_dir / "units.json").write_text(json.dumps(units, ensure_ascii=False), encoding="utf-8")
    before = counts()

    stats = load_reference(data_dir)

    assert counts() == before  # nothing deleted
    assert stats["categories"]["deactivated"] == 1 + len(removed["children"])
    assert not Category.objects.get(code=removed["code"]).active
    assert Category.objects.get(code="010000").name == "城乡建设（新）"
    assert Category.objects.get(code="010101").version == "2027.1"
    assert Unit.objects.filter(code="D30").exists()  # units missing from the file are left alone


def test_inconsistent_file_is_refused_with_a_chinese_message(tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    regions = json.loads((data_dir / "regions.json").read_text(encoding="utf-8"))
    regions["towns"][0]["villages"][0]["code"] = "139998100001"
    (data_dir / "regions.json").write_text(json.dumps(regions, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="应以所属乡镇代码前9位开头"):
        call_command("load_reference", data_dir=str(data_dir))
    assert Region.objects.count() == 0  # one transaction: nothing half-loaded
