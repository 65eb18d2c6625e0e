"""Supervision records: list (inbox for units), issue, detail, answer, escalate, close; the bulletin."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone

from xinfang.core.errors import AppError
from xinfang.documents.selectors import source_documents
from xinfang.org.choices import COUNTY_KINDS
from xinfang.org.models import Unit
from xinfang.portal.models import PetitionerReminder
from xinfang.portal.services.petitioner import reminder_mark_handled

from .. import selectors
from ..access import access_record, is_bureau_staff, may_issue, speaks_for
from ..choices import Method, RecordKind, RecordState
from ..scope import parse_scope
from ..services import records as svc
from ..services.papers import PAPER_OF_KIND
from .common import post_data, show_error, supervision_page

ISSUABLE_UNIT_KINDS = list(COUNTY_KINDS)


@supervision_page
def record_list(request):
    qs = selectors.record_queryset(request.user, request.GET)
    page = Paginator(qs, selectors.RECORD_LIST_SIZE).get_page(request.GET.get("page"))
    return render(request, "supervision/record_list.html", {
        "page": page, "kinds": RecordKind.choices, "states": RecordState.choices, "bureau": is_bureau_staff(request.user),
        "units": Unit.objects.filter(kind__in=ISSUABLE_UNIT_KINDS).order_by("kind", "code") if is_bureau_staff(request.user) else [],
        "today": timezone.localdate(),
    })


def _form_context(request, data=None, errors=None):
    user = request.user
    return {
        "data": data or {"kind": request.GET.get("kind", "order"), "method": "online",
                         "matters": request.GET.get("matters", ""), "target_unit": request.GET.get("unit", ""),
                         "reminder": request.GET.get("reminder", "")},
        "errors": errors or {},
        "kinds": [(k, label) for k, label in RecordKind.choices if may_issue(user, k) and k != RecordKind.BULLETIN],
        "methods": Method.choices,
        "units": Unit.objects.filter(kind__in=ISSUABLE_UNIT_KINDS, active=True).order_by("kind", "code"),
    }


@supervision_page(who="bureau")
def record_new(request):
    if request.method == "POST":
        data = post_data(request)
        try:
            record = svc.record_create(actor=request.user, data=data)
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            errors = show_error(request, exc)
            return render(request, "supervision/record_form.html", _form_context(request, data, errors), status=400)
        paper = f"（{record.doc_number}）" if record.doc_number else ""
        messages.success(request, f"已发出{record.get_kind_display()} {record.number}{paper}。")
        if data.get("reminder"):
            _mark_reminder(request.user, data["reminder"], record)
        return redirect("supervision:record", pk=record.pk)
    return render(request, "supervision/record_form.html", _form_context(request))


def _mark_reminder(user, reminder_id, record) -> None:
    """A petitioner's 催办 request turned into this record is marked handled in the portal app."""
    reminder = PetitionerReminder.objects.filter(pk=reminder_id if str(reminder_id).isdigit() else 0,
                                                 matter__in=record.matters.all()).first()
    if reminder is not None:
        reminder_mark_handled(actor=user, reminder=reminder, note=f"已转为{record.get_kind_display()} {record.number}")


@supervision_page
def record_detail(request, pk):
    record = access_record(request.user, pk)
    chain = []
    node = record
    while node.escalated_from_id:
        node = node.escalated_from
        chain.append(node)
    nxt = getattr(record, "escalated_to", None) if hasattr(record, "escalated_to") else None
    return render(request, "supervision/record_detail.html", {
        "record": record, "matters": selectors.record_matters(request.user, record),
        "chain": chain, "next": nxt, "may_respond": speaks_for(request.user, record.target_unit_id) and record.is_open
        and record.kind != RecordKind.BULLETIN, "bureau": is_bureau_staff(request.user),
        "errors": {}, "today": timezone.localdate(),
        "deadline_label": selectors.CLOCK_LABELS.get(record.deadline.kind, "") if record.deadline_id else "",
        "documents": source_documents(request.user, record),
        "written": record.kind in PAPER_OF_KIND,
    })


@supervision_page
def record_respond(request, pk):
    if request.method != "POST":
        return redirect("supervision:record", pk=pk)
    try:
        svc.record_respond(actor=request.user, record_id=pk, response=request.POST.get("response", ""))
        messages.success(request, "书面答复已提交。")
    except AppError as exc:
        if exc.http_status in (403, 404):
            raise
        show_error(request, exc)
    return redirect("supervision:record", pk=pk)


@supervision_page(who="bureau")
def record_escalate(request, pk):
    if request.method != "POST":
        return redirect("supervision:record", pk=pk)
    try:
        new = svc.record_escalate(actor=request.user, record_id=pk, reason=request.POST.get("reason", ""))
        messages.success(request, f"已升级为{new.get_kind_display()} {new.number}。")
        return redirect("supervision:record", pk=new.pk)
    except AppError as exc:
        if exc.http_status in (403, 404):
            raise
        show_error(request, exc)
    return redirect("supervision:record", pk=pk)


@supervision_page(who="bureau")
def record_close(request, pk):
    if request.method == "POST":
        try:
            svc.record_close(actor=request.user, record_id=pk, note=request.POST.get("note", ""))
            messages.success(request, "已销号。")
        except AppError as exc:
            if exc.http_status in (403, 404):
                raise
            show_error(request, exc)
    return redirect("supervision:record", pk=pk)


@supervision_page(who="county")
def bulletin(request):
    """通报: overdue and poorly handled matters by unit for a period; leaders can issue it as a record."""
    try:
        scope = parse_scope(request.GET)
    except AppError as exc:
        show_error(request, exc)
        scope = parse_scope({})
    if request.method == "POST":
        try:
            record = svc.record_create(actor=request.user, data={**post_data(request), "kind": RecordKind.BULLETIN})
            messages.success(request, f"已发出通报 {record.number}（{record.doc_number}）。")
            return redirect("supervision:record", pk=record.pk)
        except AppError as exc:
            show_error(request, exc)
    data = selectors.bulletin_data(request.user, scope.date_from, scope.date_to)
    return render(request, "supervision/bulletin.html", {
        "b": data, "scope": scope, "may_issue": may_issue(request.user, RecordKind.BULLETIN),
        "units": Unit.objects.filter(kind__in=ISSUABLE_UNIT_KINDS, active=True).order_by("kind", "code"),
    })


@supervision_page(who="county")
def reminders(request):
    items = selectors.petitioner_reminders(request.user)
    return render(request, "supervision/reminders.html", {"items": items, "available": items is not None})
