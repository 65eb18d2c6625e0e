"""Cached reference lookups: categories, regions and units by code or id (xinfang.core.refcache).

The objects are shared by every request of the process: treat them as read-only. Parents are
linked in memory, so ``category.path_name`` and ``region.full_name`` cost no query.
"""

from __future__ import annotations

from xinfang.core import refcache

from .models import Category, Region, Unit, cached_units


def _linked(model) -> dict[int, object]:
    rows = {row.pk: row for row in model.objects.all()}
    for row in rows.values():
        if row.parent_id is not None and row.parent_id in rows:
            row.parent = rows[row.parent_id]  # fills the relation cache: no query when walked
    return rows


def categories() -> dict[int, Category]:
    return refcache.get("org.categories", lambda: _linked(Category))


def regions() -> dict[int, Region]:
    return refcache.get("org.regions", lambda: _linked(Region))


def units() -> dict[int, Unit]:
    return cached_units()


def _by_code(name: str, rows) -> dict[str, object]:
    return refcache.get(f"{name}.by_code", lambda: {r.code: r for r in rows().values()})


def category_by_code(code: str) -> Category | None:
    return _by_code("org.categories", categories).get(str(code))


def region_by_code(code: str) -> Region | None:
    return _by_code("org.regions", regions).get(str(code))


def unit_by_code(code: str) -> Unit | None:
    return _by_code("org.units", units).get(str(code))


def unit(pk) -> Unit | None:
    return units().get(pk) if pk is not None else None


def watch() -> None:
    refcache.watch(Category, Region, Unit)
