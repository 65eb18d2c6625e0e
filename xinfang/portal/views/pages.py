"""Public information pages: home, how to petition, reception days, contact, privacy notice."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..selectors import bureau, recent_reception_days, upcoming_reception_days


def _contact() -> dict:
    unit = bureau()
    return {
        "bureau_name": unit.name if unit else f"{settings.XINFANG_COUNTY_NAME}信访局",
        "phone": unit.phone if unit else "",
        "address": unit.address if unit else "",
        "hours": settings.XINFANG_BUREAU_RECEPTION_HOURS,
    }


@require_safe
def home(request):
    return render(request, "portal/home.html", {"contact": _contact(), "upcoming": list(upcoming_reception_days(limit=3))})


@require_safe
def guide(request):
    return render(request, "portal/guide.html", {"contact": _contact()})


@require_safe
def contact(request):
    return render(request, "portal/contact.html", {"contact": _contact()})


@require_safe
def privacy(request):
    return render(request, "portal/privacy.html", {"contact": _contact()})


@require_safe
def reception(request):
    return render(request, "portal/reception.html", {
        "upcoming": list(upcoming_reception_days()), "recent": list(recent_reception_days()), "contact": _contact(),
    })
