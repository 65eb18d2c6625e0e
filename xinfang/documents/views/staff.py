from __future__ import annotations

import datetime as dt
import io

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import InvalidInput
from xinfang.core.models import log_access
from xinfang.matters.choices import DeliveryMethod
from xinfang.matters.workflow import WORKFLOW
from xinfang.org.choices import UnitKind
from xinfang.org.models import Unit

from .. import selectors, services
from ..choices import DELIVERED_BY_ACTION, PETITIONER_TYPES, DeliveryOutcome
from ..rendering import file_bytes, render_document
from ..selectors import DocumentFilter
from .common import client_ip, file_response, forbidden, log_download, staff_view
from .filters import PER_PAGE, DocumentFilterForm


@staff_view
def index(request):
    user = request.user
    units = Unit.objects.filter(active=True).exclude(kind=UnitKind.EXTERNAL).order_by("kind", "code") if user.in_bureau else Unit.objects.filter(pk=user.unit_id)
    form = DocumentFilterForm(request.GET or None, units=units)
    paginator = Paginator(selectors.filter_documents(user, form.to_filter() if request.GET else DocumentFilter()),
                          PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "documents/index.html", {
        "documents": page.object_list,
        "page": page,
        "page_links": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        "form": form,
        "units": units,
        "today": timezone.localdate(),
        "may_edit_templates": services.may_edit_templates(user),
    })


@staff_view
def matter_documents(request, number):
    matter, docs = selectors.matter_documents(request.user, number)
    log_access(user=request.user, kind="view", object_type="matter_documents", object_ref=matter.number, ip=client_ip(request))
    return render(request, "documents/matter.html", {"matter": matter, "documents": docs})


@staff_view
def detail(request, doc_id):
    doc = selectors.document_for(request.user, doc_id, full=True)
    if not doc.is_rendered:  # the runner has not got to it yet: render now, the page shows the hashes
        render_document(doc.pk)
        doc = selectors.document_for(request.user, doc_id, full=True)
    log_access(user=request.user, kind="view", object_type="document", object_ref=doc.doc_number, ip=client_ip(request))
    return render(request, "documents/detail.html", {
        "doc": doc,
        "event_label": WORKFLOW[doc.event.action].label if doc.event and doc.event.action in WORKFLOW else "",
        "deliveries": doc.deliveries.select_related("recorded_by").all(),
        "delivered_by_action": doc.doc_type in DELIVERED_BY_ACTION,
        "to_petitioner": doc.doc_type in PETITIONER_TYPES,
        "methods": DeliveryMethod.choices,
        "outcomes": DeliveryOutcome.choices,
        "verified": doc.verify(),
        "source": selectors.source_link(doc),
        "copy_units": list(doc.copy_units.order_by("code")) if doc.matter_id is None else [],
        "may_record_delivery": request.user.in_bureau or request.user.unit_id == doc.issuing_unit_id,
    })


@staff_view
def download(request, doc_id, fmt):
    doc = selectors.document_for(request.user, doc_id, full=True)
    log_download(request, doc, fmt)
    return file_response(doc, fmt, file_bytes(doc, fmt))


@require_POST
@staff_view
def deliver(request, doc_id):
    doc = selectors.document_for(request.user, doc_id)
    raw = request.POST.get("delivered_at", "").strip()
    try:
        when = None
        if raw:
            parsed = dt.datetime.fromisoformat(raw)
            when = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    except ValueError:
        messages.error(request, "送达时间格式错误。")
        return redirect(doc.get_absolute_url())
    try:
        services.record_delivery(
            actor=request.user, document=doc, method=request.POST.get("method", ""),
            outcome=request.POST.get("outcome", ""), delivered_at=when,
            receiver=request.POST.get("receiver", ""), note=request.POST.get("note", ""),
        )
    except InvalidInput as exc:
        messages.error(request, exc.message + " " + "；".join(m for ms in exc.fields.values() for m in ms))
    except services.StateConflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已登记送达情况。")
    return redirect(doc.get_absolute_url())


@staff_view
def print_batch(request):
    """One merged PDF of the documents a unit issued on a day: print, stamp, mail."""
    from pypdf import PdfWriter

    user = request.user
    try:
        day = dt.date.fromisoformat(request.GET.get("date") or timezone.localdate().isoformat())
    except ValueError:
        return render(request, "documents/error.html", {"title": "日期错误", "message": "日期格式应为 YYYY-MM-DD。"}, status=400)
    code = request.GET.get("unit") or (user.unit.code if user.unit_id else "")
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return render(request, "documents/error.html", {"title": "单位错误", "message": "未找到该单位。"}, status=400)
    if not (user.in_bureau or user.is_county_wide or user.unit_id == unit.pk):
        return forbidden(request, "只能打印本单位的文书。")
    docs = selectors.print_batch(user, unit, day)
    if not docs:
        return render(request, "documents/error.html", {
            "title": "没有文书", "message": f"{unit.name}在 {day.isoformat()} 没有发出文书。"}, status=404)
    writer = PdfWriter()
    from pypdf import PdfReader

    for doc in docs:
        data = bytes(doc.pdf_data) if doc.rendered_at else file_bytes(doc, "pdf")  # pending: render now
        writer.append(PdfReader(io.BytesIO(data)))
        log_access(user=user, kind="export", object_type="document", object_ref=doc.doc_number,
                   detail={"document": doc.pk, "format": "pdf", "batch": day.isoformat()}, ip=client_ip(request))
    buf = io.BytesIO()
    writer.write(buf)
    response = HttpResponse(buf.getvalue(), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="documents-{unit.code}-{day.isoformat()}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response
