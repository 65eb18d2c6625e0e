"""The supervision dashboard and the engine's run log."""

from django.shortcuts import render
from django.utils import timezone

from .. import selectors
from ..access import is_bureau_staff
from ..models import EngineRun
from .common import supervision_page


@supervision_page
def dashboard(request):
    data = selectors.dashboard(request.user, timezone.localdate())
    return render(request, "supervision/dashboard.html", {**data, "bureau": is_bureau_staff(request.user)})


@supervision_page(who="county")
def engine_runs(request):
    runs = EngineRun.objects.order_by("-started_at")[:60]
    return render(request, "supervision/engine_runs.html", {"runs": runs})
