"""Stable English values with Chinese labels for units and roles (api-v1.md)."""

from django.db import models


class UnitKind(models.TextChoices):
    BUREAU = "bureau", "信访局"
    TOWN = "town", "乡镇/街道"
    DEPARTMENT = "department", "县直部门"
    GOVERNMENT = "government", "人民政府"
    LEGAL_AFFAIRS = "legal_affairs", "政法委"
    DISCIPLINE = "discipline", "纪委监委"
    ORGANIZATION = "organization", "组织部"
    EXTERNAL = "external", "上级机关（外部）"


class Role(models.TextChoices):
    REGISTRAR = "registrar", "登记接访员"
    CASE_OFFICER = "case_officer", "案件办理员"
    BUREAU_LEADER = "bureau_leader", "信访局领导"
    UNIT_HANDLER = "unit_handler", "责任单位经办人"
    UNIT_LEADER = "unit_leader", "责任单位负责人"
    COUNTY_LEADER = "county_leader", "县领导"
    AUDITOR = "auditor", "审计/监督员"
    ADMIN = "admin", "系统管理员"


BUREAU_ROLES = frozenset({Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER})
UNIT_ROLES = frozenset({Role.UNIT_HANDLER, Role.UNIT_LEADER})
# Roles whose holders see every matter in the county (read access; actions are separate).
COUNTY_WIDE_ROLES = frozenset(
    {Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.COUNTY_LEADER, Role.AUDITOR, Role.ADMIN}
)
# Roles that may reveal a petitioner's full ID number and phone (a logged act).
REVEAL_ROLES = frozenset(
    {Role.REGISTRAR, Role.CASE_OFFICER, Role.BUREAU_LEADER, Role.UNIT_HANDLER, Role.UNIT_LEADER}
)
