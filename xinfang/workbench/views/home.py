"""The role-specific home page (issue 3 §1): one section per role the user holds."""

from __future__ import annotations

from django.shortcuts import render

from xinfang.core.audit import latest_checks
from xinfang.org.choices import Role

from ..selectors import home
from ..selectors.due import due_context
from .helpers import staff_required

CHANNEL_SHORTCUTS = [
    ("visit", "来访登记", "1"),
    ("letter", "来信登记", "2"),
    ("phone", "来电登记", "3"),
    ("online", "网上信访转录", "4"),
    ("upstream", "上级交办/转送", "5"),
]


@staff_required
def home_view(request):
    user = request.user
    ctx = due_context()
    sections = {}
    if user.has_role(Role.REGISTRAR):
        sections["registrar"] = home.registrar_home(user, ctx)
    if user.has_role(Role.CASE_OFFICER):
        sections["officer"] = home.officer_home(user, ctx)
    if user.has_role(Role.UNIT_HANDLER, Role.UNIT_LEADER) and user.unit_id and not user.in_bureau:
        sections["unit"] = home.unit_inbox(user, ctx)
    if user.has_role(Role.BUREAU_LEADER, Role.COUNTY_LEADER, Role.AUDITOR, Role.ADMIN):
        sections["overview"] = home.overview(user, ctx)
    return render(request, "workbench/home.html", {
        "sections": sections, "due": ctx, "channels": CHANNEL_SHORTCUTS,
        "is_admin": user.has_role(Role.ADMIN),
        "audit_checks": latest_checks() if user.has_role(Role.AUDITOR, Role.ADMIN) else [],
    })
