"""Regions, units, content categories and staff users (domain §2)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models

from xinfang.core import refcache

from .choices import Role, UnitKind
from .permissions import COUNTY_WIDE_ROLES


class Region(models.Model):
    """行政区划: county → town → village, with 12-digit statistical codes."""

    code = models.CharField("区划代码", max_length=12, unique=True, validators=[RegexValidator(r"^\d{12}$", "区划代码应为12位数字")])
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("层级", choices=[(1, "县"), (2, "乡镇/街道"), (3, "村/社区")])
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")

    class Meta:
        verbose_name = "行政区划"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        parts: list[str] = []
        node: Region | None = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return "".join(reversed(parts))


class Unit(models.Model):
    """单位/机关: a node in the tree of bodies; ``superior`` finds the 复查/复核机关."""

    code = models.CharField("单位代码", max_length=32, unique=True, validators=[RegexValidator(r"^[A-Za-z0-9_-]+$", "单位代码只能包含字母、数字、下划线和连字符")])
    name = models.CharField("单位名称", max_length=80)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类别", max_length=20, choices=UnitKind.choices)
    superior = models.ForeignKey("self", verbose_name="上级机关", null=True, blank=True, on_delete=models.PROTECT, related_name="subordinates")
    region = models.ForeignKey(Region, verbose_name="所在区划", null=True, blank=True, on_delete=models.PROTECT)
    active = models.BooleanField("启用", default=True)
    phone = models.CharField("联系电话", max_length=40, blank=True)
    address = models.CharField("地址", max_length=120, blank=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = verbose_name
        ordering = ["kind", "code"]
        indexes = [models.Index(fields=["kind"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_bureau(self) -> bool:
        return self.kind == UnitKind.BUREAU


class Category(models.Model):
    """内容分类: 3 levels, 6-digit codes, loaded as versioned data (never hard-coded)."""

    code = models.CharField("分类代码", max_length=6, unique=True, validators=[RegexValidator(r"^\d{6}$", "分类代码应为6位数字")])
    name = models.CharField("名称", max_length=60)
    level = models.PositiveSmallIntegerField("层级")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    version = models.CharField("数据版本", max_length=20, default="1")
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "内容分类"
        verbose_name_plural = verbose_name
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def path_name(self) -> str:
        parts: list[str] = []
        node: Category | None = self
        while node is not None:
            parts.append(node.name)
            node = node.parent
        return " / ".join(reversed(parts))


class User(AbstractUser):
    """A staff account: belongs to one unit and holds one or more roles."""

    full_name = models.CharField("姓名", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    roles = models.JSONField("角色", default=list, blank=True)
    phone = models.CharField("电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "工作人员"
        verbose_name_plural = verbose_name

    def __str__(self) -> str:
        return self.full_name or self.username

    def has_role(self, *roles: str) -> bool:
        own = set(self.roles or [])
        return any(r in own for r in roles)

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [labels.get(r, r) for r in (self.roles or [])]

    @property
    def is_county_wide(self) -> bool:
        return self.has_role(*COUNTY_WIDE_ROLES)

    @property
    def in_bureau(self) -> bool:
        if self.unit_id is None:
            return False
        own = cached_units().get(self.unit_id) or self.unit  # cached per process: no query per request
        return own is not None and own.kind == UnitKind.BUREAU


def cached_units() -> dict[int, Unit]:
    """Every unit by id, cached per process (xinfang.core.refcache; cleared when a unit changes)."""
    return refcache.get("org.units", lambda: {u.pk: u for u in Unit.objects.all()})
