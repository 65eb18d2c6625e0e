"""三项建议 and reward/sanction recommendations: list, issue, detail with the recipient's feedback."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.documents.selectors import source_documents
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit

from .. import selectors
from ..access import access_recommendation, is_bureau_staff, speaks_for, visible_recommendations
from ..choices import Adoption, RecommendationKind, RecommendationState
from ..services import recommendations as svc
from .common import post_data, show_error, supervision_page


@supervision_page
def recommendation_list(request):
    qs = visible_recommendations(request.user).select_related("recipient_unit", "issued_by")
    state = request.GET.get("state", "")
    if state in RecommendationState.values:
        qs = qs.filter(state=state)
    page = Paginator(qs.order_by("-issued_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "supervision/recommendation_list.html", {
        "page": page, "bureau": is_bureau_staff(request.user), "today": timezone.localdate(), "state": state,
        "states": RecommendationState.choices,
    })


@supervision_page(who="bureau")
def recommendation_new(request):
    data, errors, status = {"kind": "improve_work", "matters": request.GET.get("matters", "")}, {}, 200
    if request.method == "POST":
        data = post_data(request)
        try:
            rec = svc.recommendation_create(actor=request.user, data=data)
            messages.success(request, f"建议书已发出，文号 {rec.doc_number}。")
            return redirect("supervision:recommendation", pk=rec.pk)
        except AppError as exc:
            errors, status = show_error(request, exc), 400
    return render(request, "supervision/recommendation_form.html", {
        "data": data, "errors": errors, "kinds": RecommendationKind.choices,
        "units": Unit.objects.exclude(kind__in=[UnitKind.BUREAU, UnitKind.EXTERNAL]).filter(active=True).order_by("kind", "code"),
    }, status=status)


@supervision_page
def recommendation_detail(request, pk):
    rec = access_recommendation(request.user, pk)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            svc.recommendation_feedback(actor=request.user, rec_id=pk, data=post_data(request))
            messages.success(request, "反馈已提交。")
            return redirect("supervision:recommendation", pk=pk)
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            errors, status = show_error(request, exc), 400
    return render(request, "supervision/recommendation_detail.html", {
        "rec": rec, "matters": selectors.record_matters(request.user, rec), "errors": errors, "adoptions": Adoption.choices,
        "may_answer": speaks_for(request.user, rec.recipient_unit_id) and rec.state == RecommendationState.SENT,
        "records": rec.supervision_records.select_related("target_unit").order_by("issued_at"),
        "documents": source_documents(request.user, rec),
    }, status=status)
