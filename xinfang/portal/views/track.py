"""Tracking and the petitioner's acts (可查询、可跟踪、可评价、可督办) behind the 查询码."""

from __future__ import annotations

from functools import wraps
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from xinfang.core.errors import AppError, InvalidInput, NotVisible
from xinfang.core.http import client_ip
from xinfang.matters.choices import EvaluationTarget

from .. import documents, session
from ..errors import TooManyAttempts
from ..forms import (
    AppealForm,
    EvaluateForm,
    MaterialForm,
    RecoverForm,
    ReminderForm,
    TrackForm,
    apply_service_error,
)
from ..presenter import public_view
from ..services import petitioner, recovery
from ..services.track import authenticate
from .common import portal_render
from .pages import _contact


def petitioner_required(view):
    """The session must hold a grant for this matter (a correct 查询码 earlier in the session)."""

    @wraps(view)
    def wrapper(request, number, *args, **kwargs):
        petition = session.granted_petition(request, number)
        if petition is None:
            messages.info(request, "请输入编号和查询码后查看。")
            return redirect(f"{reverse('portal:track')}?{urlencode({'number': number[:40]})}")
        return view(request, petition, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
def track(request):
    context = {"contact": _contact(), "granted": session.granted_numbers(request)}
    if request.method != "POST":
        return portal_render(request, "portal/track.html", {
            **context, "form": TrackForm(initial={"number": request.GET.get("number", "")[:40]})})
    form = TrackForm(request.POST)
    if not form.is_valid():
        return portal_render(request, "portal/track.html", {**context, "form": form})
    try:
        access = authenticate(number=form.cleaned_data["number"], code=form.cleaned_data["code"],
                              ip=client_ip(request), via="portal")
    except TooManyAttempts as exc:
        return portal_render(request, "portal/track.html", {**context, "form": form, "blocked": exc.message}, status=429)
    except (NotVisible, InvalidInput) as exc:
        apply_service_error(form, exc, {})
        return portal_render(request, "portal/track.html", {**context, "form": form})
    session.grant(request, access.matter.number, access.petition.number)
    return redirect("portal:matter", number=access.matter.number)


@require_POST
def signout(request, number):
    session.revoke(request, number)
    messages.info(request, "已退出该事项的查询。")
    return redirect("portal:track")


@petitioner_required
def matter(request, petition):
    view = public_view(petition.matter, petition)
    has_actions = (any(t["can_evaluate"] for t in view["evaluation"]["targets"]) or view["appeal"]["can_request"]
                   or view["reminder"]["can_request"] or view["material"]["can_add"])
    return portal_render(request, "portal/matter.html", {"view": view, "petition": petition, "contact": _contact(),
                                                         "has_actions": has_actions})


def _act_page(request, petition, *, form, template, extra, perform, success, error_status=200):
    """GET shows the form; POST performs the act through the service and goes back to the matter."""
    view = public_view(petition.matter, petition)
    context = {"view": view, "form": form, "contact": _contact(), **extra(view)}
    if request.method == "POST" and form.is_valid():
        try:
            perform(form.cleaned_data)
        except AppError as exc:
            apply_service_error(form, exc, {"target": "rating"})
        else:
            messages.success(request, success)
            return redirect("portal:matter", number=petition.matter.number)
    context["files_lost"] = request.method == "POST" and bool(request.FILES)
    return portal_render(request, template, context, status=error_status if request.method == "POST" else 200)


@require_http_methods(["GET", "HEAD", "POST"])
@petitioner_required
def evaluate(request, petition, target):
    if target not in EvaluationTarget.values:
        raise Http404
    data = request.POST if request.method == "POST" else None
    form = EvaluateForm(data, initial={"target": target})

    def extra(view):
        entry = next((t for t in view["evaluation"]["targets"] if t["target"] == target), None)
        return {"target": entry, "evaluation": view["evaluation"]}

    return _act_page(
        request, petition, form=form, template="portal/evaluate.html", extra=extra,
        perform=lambda d: petitioner.evaluate(petition=petition, target=target, rating=d["rating"], comment=d["comment"]),
        success="感谢您的评价！您的评价已记录。",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@petitioner_required
def appeal(request, petition):
    form = AppealForm(request.POST or None, request.FILES or None) if request.method == "POST" else AppealForm()
    return _act_page(
        request, petition, form=form, template="portal/appeal.html", extra=lambda view: {"appeal": view["appeal"]},
        perform=lambda d: petitioner.request_appeal(petition=petition, reason=d["reason"], files=d.get("attachments") or []),
        success="您的申请已提交，受理机关将依法在 30 日内作出意见。",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@petitioner_required
def material(request, petition):
    """补充材料: text and files after submitting (a petition act; the handling unit is told)."""
    form = MaterialForm(request.POST, request.FILES) if request.method == "POST" else MaterialForm()
    return _act_page(
        request, petition, form=form, template="portal/material.html", extra=lambda view: {"material": view["material"]},
        perform=lambda d: petitioner.add_material(petition=petition, content=d.get("content") or "",
                                                  files=d.get("attachments") or []),
        success="补充材料已提交，已通知办理机关。", error_status=400,
    )


@require_http_methods(["GET", "HEAD"])
@petitioner_required
def attachment(request, petition, pk):
    """A file marked 对信访人可见 (or the petitioner's own upload), never any other."""
    view = public_view(petition.matter, petition)
    if view["limited"] or not any(a["id"] == pk for a in view["attachments"]):
        raise Http404
    att = petition.matter.attachments.get(pk=pk)
    inline = att.mime.startswith("image/") or att.mime == "application/pdf"
    response = FileResponse(att.file.open("rb"), as_attachment=not inline, filename=att.name,
                            content_type=att.mime or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def recover(request):
    """找回查询码: the codes go by SMS to the phone given at submission; one answer for every phone."""
    context = {"contact": _contact()}
    if request.method != "POST":
        return portal_render(request, "portal/recover.html", {**context, "form": RecoverForm()})
    form = RecoverForm(request.POST)
    if not form.is_valid():
        return portal_render(request, "portal/recover.html", {**context, "form": form}, status=400)
    try:
        answer = recovery.recover_codes(phone=form.cleaned_data["phone"], ip=client_ip(request))
    except TooManyAttempts as exc:
        return portal_render(request, "portal/recover.html", {**context, "form": form, "blocked": exc.message}, status=429)
    except InvalidInput as exc:
        apply_service_error(form, exc, {})
        return portal_render(request, "portal/recover.html", {**context, "form": form}, status=400)
    return portal_render(request, "portal/recover.html", {**context, "form": RecoverForm(), "answer": answer})


@require_http_methods(["GET", "HEAD", "POST"])
@petitioner_required
def remind(request, petition):
    """催办 in one tap from the matter page (a confirmation in the browser; the text is optional)."""
    form = ReminderForm(request.POST) if request.method == "POST" else ReminderForm()
    return _act_page(
        request, petition, form=form, template="portal/remind.html", extra=lambda view: {"reminder": view["reminder"]},
        perform=lambda d: petitioner.request_reminder(petition=petition, text_value=d["text"]),
        success="催办已提交，信访局将督促有关机关办理。",
    )


def _file_response(result):
    filename, content_type, data = result
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD"])
@petitioner_required
def paper(request, petition, doc_id, fmt="pdf"):
    """A paper issued from a record (the hearing's 听证通知书 and 听证报告), for the petitioner's 查询码 session."""
    view = public_view(petition.matter, petition)
    entry = next((n for n in view["notices"] if n.get("doc_id") == doc_id), None)
    if entry is None or not entry["available"] or fmt not in ("pdf", "docx"):
        raise Http404
    result = documents.paper_file(petition.matter, doc_id, fmt)
    if result is None:
        raise Http404
    return _file_response(result)


@require_http_methods(["GET", "HEAD"])
@petitioner_required
def notice(request, petition, seq, notice_type, fmt="pdf"):
    view = public_view(petition.matter, petition)
    entry = next((n for n in view["notices"] if n["event_seq"] == seq and n["type"] == notice_type), None)
    if entry is None or not entry["available"] or fmt not in ("pdf", "docx"):
        raise Http404
    result = documents.file_for(petition.matter, seq, notice_type, fmt)
    if result is None:
        raise Http404
    filename, content_type, data = result
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename, safe='')}"
    response["Cache-Control"] = "no-store"
    return response

