"""The role-specific home page (issue 3 §1): one section per role the user holds."""

from __future__ import annotations

from django.shortcuts import render

from xinfang.core.audit import latest_checks
from xinfang.figures.selectors import home_card as figures_card
from xinfang.org.choices import Role
from xinfang.org.permissions import Ability, may

from ..forms.registration import CHANNEL_PAGES
from ..selectors import home
from ..selectors.audit import unusual_volumes
from ..selectors.due import due_context
from .helpers import staff_required

# The registration pages and their Alt+digit keys, as the registration form defines them.
CHANNEL_SHORTCUTS = [(code, page["label"], page["key"]) for code, page in CHANNEL_PAGES.items()]


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
    if may(user, Ability.AUDIT):
        sections["audit"] = {"alerts": unusual_volumes(ctx.today)}
    if user.has_role(Role.BUREAU_LEADER, Role.COUNTY_LEADER):
        sections["figures"] = figures_card(user, ctx.today)
    return render(request, "workbench/home.html", {
        "sections": sections, "due": ctx, "channels": CHANNEL_SHORTCUTS,
        "is_admin": user.has_role(Role.ADMIN),
        "audit_checks": latest_checks() if user.has_role(Role.AUDITOR, Role.ADMIN) else [],
    })
