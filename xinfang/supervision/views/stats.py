"""The rates page (with ranking), the drill-down to matters, and the Excel export."""

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from xinfang.core.errors import AppError, InvalidInput
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.org.choices import UnitKind
from xinfang.org.models import Region, Unit
from xinfang.workdays.models import current_rules

from .. import rates
from ..export import rates_workbook
from ..scope import parse_scope, year_start
from .common import show_error, supervision_page

PARTS = {"numerator": "分子", "denominator": "分母"}
DRILL_PER_PAGE = 50


def _scope(request):
    """The pages default to this year so far (a month's handful of clocks says little); the API keeps its
    documented default of this month."""
    try:
        return parse_scope(request.GET, default_from=year_start), {}
    except AppError as exc:
        return parse_scope({}, default_from=year_start), show_error(request, exc)


def _choices():
    return {
        "units": Unit.objects.exclude(kind=UnitKind.EXTERNAL).filter(active=True).order_by("kind", "code"),
        "towns": Region.objects.filter(level=2).order_by("code"),
        "measures": [(k, rates.MEASURE_LABELS[k]) for k in rates.MEASURES],
    }


@supervision_page
def rates_page(request):
    scope, errors = _scope(request)
    measure = request.GET.get("measure") if request.GET.get("measure") in rates.MEASURES else "on_time_completion"
    min_sample = current_rules().ranking_min_sample
    data = rates.summary(request.user, scope)
    ranking = rates.ranking(request.user, scope, measure, min_sample)
    return render(request, "supervision/rates.html", {
        "scope": scope, "errors": errors, "measure": measure, "measure_label": rates.MEASURE_LABELS[measure], "figures": data["figures"], "stages": data["stages"],
        "ranking": ranking, "query": request.GET.urlencode(), "min_sample": min_sample, **_choices(),
        "four": [(k, rates.MEASURE_LABELS[k], data["figures"][k]) for k in rates.MEASURES],
    })


def _drill_args(request):
    measure = request.GET.get("measure", "")
    part = request.GET.get("part", "denominator")
    if measure not in rates.DRILL_MEASURES or part not in PARTS:
        raise InvalidInput("请选择指标和分子/分母。")
    return measure, part


@supervision_page
def drill(request):
    scope, _ = _scope(request)
    try:
        measure, part = _drill_args(request)
    except InvalidInput as exc:
        show_error(request, exc)
        measure, part = "on_time_completion", "denominator"
    items = rates.drill(request.user, scope, measure, part)
    stage = measure.startswith("stage_")
    paginator = Paginator(items, DRILL_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "supervision/drill.html", {
        "scope": scope, "measure": measure, "measure_label": rates.drill_label(measure), "part": part,
        "part_label": "所计时限" if stage else PARTS[part], "items": page.object_list, "page": page,
        "total": paginator.count, "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "query": query.urlencode(), "matter_count": len({d.matter.pk for d in items}),
        "acts": measure in ("repeat", "returns"), "stage": stage,
    })


@supervision_page
def export(request):
    scope, errors = _scope(request)
    if errors:
        return HttpResponse("；".join(errors.values()), status=400, content_type="text/plain; charset=utf-8")
    drill_args = None
    if request.GET.get("measure") and request.GET.get("part"):
        try:
            drill_args = _drill_args(request)
        except InvalidInput as exc:
            return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    body = rates_workbook(request.user, scope, current_rules().ranking_min_sample, drill_args)
    log_access(user=request.user, kind=AccessLog.Kind.EXPORT, object_type="rates",
               object_ref=f"{scope.date_from}~{scope.date_to}", detail={"query": request.GET.dict()},
               ip=client_ip(request))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rates-{scope.date_from}-{scope.date_to}.xlsx"'
    return response
