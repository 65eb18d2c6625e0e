"""The supervision dashboard and the engine's run log."""

from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from .. import selectors
from ..access import is_bureau_staff
from ..models import EngineRun
from .common import supervision_page


@supervision_page
def dashboard(request):
    number = (request.GET.get("matter") or "").strip()
    if number:  # "督查督办" on a matter's page: the records about that matter
        return redirect(f"{reverse('supervision:records')}?{urlencode({'q': number})}")
    data = selectors.dashboard(request.user, timezone.localdate())
    return render(request, "supervision/dashboard.html", {**data, "bureau": is_bureau_staff(request.user)})


@supervision_page(who="county")
def engine_runs(request):
    runs = EngineRun.objects.order_by("-started_at")[:60]
    return render(request, "supervision/engine_runs.html", {"runs": runs})
