"""Registration pages (issue 3 §2): one form per channel, live checks, duplicates before saving."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from xinfang.core import validation as v
from xinfang.core.errors import AppError, IdempotencyKeyReused, InvalidInput
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.matters.access import access_matter
from xinfang.matters.services.numbering import format_query_code
from xinfang.matters.services.registration import (
    DuplicatesToConfirm,
    add_petition,
    register_petition,
    role_may_register,
)

from ..forms.common import apply_error, indexed_field
from ..forms.registration import CHANNEL_PAGES, PersonFormSet, RegistrationForm
from ..selectors import registration as sel
from .helpers import forbidden, staff_required

PREFIX = "p"


def _may_register(request):
    return role_may_register(request.user)


def _blank_formset():
    return PersonFormSet(prefix=PREFIX, initial=[{}])


def _persons(formset) -> list[dict]:
    return [f.person() for f in formset.forms if f.is_valid() and not f.is_blank()]


def _render(request, page, form, formset, *, duplicates=None, repeat_matter=None, status=200, error=None,
            files_dropped=False):
    if not form.is_bound:  # the cursor starts where the registrar starts typing
        first = form["upstream_number"] if page == "upstream" else (formset.forms[0]["name"] if formset.forms else None)
        if first is not None:
            first.field.widget.attrs["autofocus"] = True
    return render(request, "workbench/register/form.html", {
        "page": page, "page_info": CHANNEL_PAGES[page], "pages": CHANNEL_PAGES, "form": form,
        "formset": formset, "duplicates": duplicates, "repeat_matter": repeat_matter, "error": error,
        "files_dropped": files_dropped, "lookup": sel.may_look_up_people(request.user),
    }, status=status)


@staff_required
def register_index(request):
    return redirect("workbench:register", page="visit")


def _apply_service_error(form, formset, exc: AppError) -> tuple[str, str | None]:
    """Map InvalidInput.fields onto the form and the petitioner rows; returns (message, attachments error)."""
    attachment_error = None
    placed = False
    for key, msgs in (exc.fields or {}).items():
        indexed = indexed_field(key)
        if indexed and indexed[0] == "petitioners" and indexed[1] < len(formset.forms):
            row = formset.forms[indexed[1]]
            if indexed[2] in row.fields:
                for m in msgs:
                    row.add_error(indexed[2], m)
                placed = True
        elif key == "attachments":
            attachment_error = "；".join(msgs)
            placed = True
        elif key == "petitioners":
            form.person_error = "；".join(msgs)
            placed = True
    if not placed:
        apply_error(form, exc)
    else:
        rest = type(exc)(exc.message, fields={k: m for k, m in exc.fields.items()
                                              if not indexed_field(k) and k not in ("attachments", "petitioners")})
        if rest.fields:
            apply_error(form, rest)
    return exc.message, attachment_error


@staff_required
def register_form(request, page):
    if page not in CHANNEL_PAGES:
        raise Http404("未知的登记类型")
    if not _may_register(request):
        return forbidden(request, "您的角色不能登记信访件。")
    repeat_number = request.GET.get("repeat_of") or request.POST.get("repeat_of") or ""
    repeat_matter = access_matter(request.user, repeat_number) if repeat_number else None
    if request.method != "POST":
        form = RegistrationForm(page=page, initial={"idempotency_key": uuid.uuid4().hex, "repeat_of": repeat_number})
        return _render(request, page, form, _blank_formset(), repeat_matter=repeat_matter)

    form = RegistrationForm(request.POST, page=page)
    formset = PersonFormSet(request.POST, prefix=PREFIX)
    files = request.FILES.getlist("attachments")
    if "add_person" in request.POST:  # no-JavaScript fallback for "添加一人"
        data = request.POST.copy()
        total = int(data.get(f"{PREFIX}-TOTAL_FORMS") or 0)
        data[f"{PREFIX}-TOTAL_FORMS"] = str(total + 1)
        return _render(request, page, RegistrationForm(data, page=page), PersonFormSet(data, prefix=PREFIX),
                       repeat_matter=repeat_matter, files_dropped=bool(files))
    if not (form.is_valid() and formset.is_valid()):
        return _render(request, page, form, formset, repeat_matter=repeat_matter, status=400,
                       error="请按提示修改后再提交。", files_dropped=bool(files))
    persons = _persons(formset)
    data = form.service_data(persons)
    key = form.cleaned_data.get("idempotency_key") or ""
    link_to = request.POST.get("link_to") or (repeat_matter.number if repeat_matter else "")

    # The duplicate rule is the service's: while candidates exist it refuses until the registrar decides —
    # 作为重复件登记 (link_to) or 不是重复，登记为新事项 (confirm_new); having seen the live warning is not a decision.
    seen = None if "confirm_new" in request.POST else ""
    try:
        if link_to:
            target = access_matter(request.user, link_to)
            result = add_petition(actor=request.user, matter=target, data=data, files=files, idempotency_key=key)
        else:
            result = register_petition(actor=request.user, data=data, files=files, idempotency_key=key,
                                       duplicates_seen=seen)
    except DuplicatesToConfirm as exc:
        return _render(request, page, form, formset, duplicates=exc.candidates, repeat_matter=repeat_matter,
                       files_dropped=bool(files))
    except IdempotencyKeyReused:
        # This form was saved once with other contents (back button, edited, saved again).
        form.data = form.data.copy()
        form.data["idempotency_key"] = uuid.uuid4().hex
        return _render(request, page, form, formset, repeat_matter=repeat_matter, status=409,
                       error="本表单已经登记过一次，内容与这次不同。如确需另行登记一件新的信访件，请核对后再次保存。",
                       files_dropped=bool(files))
    except AppError as exc:
        if not isinstance(exc, InvalidInput) and exc.code == "not_found":
            raise
        message, attachment_error = _apply_service_error(form, formset, exc)
        form.attachment_error = attachment_error
        return _render(request, page, form, formset, repeat_matter=repeat_matter, status=400, error=message,
                       files_dropped=bool(files))
    petition = result.petition
    if result.petition.is_repeat:
        messages.success(request, f"已作为重复件登记到事项 {result.matter.number}（信访件 {petition.number}，查询码 {format_query_code(petition.query_code)}）。办理时限不重新计算。")
    else:
        messages.success(request, f"登记成功：事项 {result.matter.number}，信访件 {petition.number}，查询码 {format_query_code(petition.query_code)}（请告知信访人）。")
    if result.replayed:
        messages.info(request, "重复提交已忽略，未重复登记。")
    return redirect("workbench:matter", number=result.matter.number)


@staff_required
@require_GET
def check_id(request):
    """As-you-type ID validation (the service's own check) plus the petitioner found by it."""
    value = next((val for key, val in request.GET.items() if key.endswith("id_number")), "")
    result = sel.check_id_number(value)
    person = None
    if result["state"] in ("ok", "warning") and sel.may_look_up_people(request.user):
        found = sel.find_person(id_number=result["number"])
        if found is not None:
            person = sel.person_card(found)
            log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="petitioner",
                       object_ref=str(found.pk), detail={"lookup": "id_number"}, ip=client_ip(request))
    return render(request, "workbench/register/_lookup.html", {"result": result, "person": person})


@staff_required
@require_GET
def lookup_phone(request):
    value = next((val for key, val in request.GET.items() if key.endswith("phone")), "")
    result, person = {"state": "empty"}, None
    if value.strip():
        try:
            phone = v.normalize_phone(value)
            result = {"state": "ok", "message": ""}
        except InvalidInput as exc:
            phone, result = "", {"state": "error", "message": exc.message}
        if phone and sel.may_look_up_people(request.user):
            found = sel.find_person(phone=phone)
            if found is not None:
                person = sel.person_card(found)
                log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="petitioner",
                           object_ref=str(found.pk), detail={"lookup": "phone"}, ip=client_ip(request))
    return render(request, "workbench/register/_lookup.html", {"result": result, "person": person})


@staff_required
@require_POST
def duplicates_panel(request):
    """Live duplicate candidates while the form is being filled in (HTMX)."""
    if not _may_register(request):
        return forbidden(request, "您的角色不能登记信访件。")
    formset = PersonFormSet(request.POST, prefix=PREFIX)
    persons = _persons(formset) if formset.is_valid() else []
    candidates = sel.duplicate_candidates(
        request.user, persons=persons, title=request.POST.get("title", ""), region_code=request.POST.get("region", ""),
        category_code=request.POST.get("category", ""),
    )
    return render(request, "workbench/register/_duplicates.html", {"duplicates": candidates, "live": True})


@staff_required
@require_GET
def person_row(request):
    """One empty petitioner row for the dynamic formset (HTMX / JavaScript)."""
    try:
        index = max(0, min(199, int(request.GET.get("index", "0"))))
    except ValueError:
        index = 0
    form = PersonFormSet(prefix=PREFIX).empty_form
    form.prefix = f"{PREFIX}-{index}"
    return render(request, "workbench/register/_person_row.html", {"pf": form, "index": index})
