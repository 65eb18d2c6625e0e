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


# The county's own bodies the bureau forwards or assigns matters to (§22: 有权处理的机关、单位), in
# display order; with the bureau: every county unit (e.g. what a supervision record may target).
ROUTABLE_KINDS = (UnitKind.TOWN, UnitKind.DEPARTMENT, UnitKind.GOVERNMENT, UnitKind.LEGAL_AFFAIRS, UnitKind.DISCIPLINE,
                  UnitKind.ORGANIZATION)
COUNTY_KINDS = (*ROUTABLE_KINDS, UnitKind.BUREAU)
