"""The matter page, its workflow actions, the logged reveal, attachments and the print summary."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import AppError, NotVisible, StaleVersion
from xinfang.core.http import client_ip
from xinfang.core.models import AccessLog, log_access
from xinfang.documents import writing
from xinfang.matters.access import access_matter
from xinfang.matters.selectors import attachment_for
from xinfang.matters.services.actions import perform_action
from xinfang.matters.services.attachments import attachment_set_public
from xinfang.matters.workflow import WORKFLOW
from xinfang.workdays.models import current_rules

from ..forms.actions import action_form
from ..forms.common import apply_error
from ..selectors.due import due_context
from ..selectors.matter import matter_page, running_deadline
from .helpers import is_htmx, staff_required
from .writing import render_editor

STATUS_FOR_ERROR = {"invalid": 400, "forbidden": 403, "not_found": 404}


def _render_page(request, number, *, reveal=False, failed_form=None, error=None, status=200):
    ctx = due_context()
    page = matter_page(request.user, number, ctx, reveal=reveal)
    rules = current_rules()
    forms = []
    for action in page.actions:
        if failed_form is not None and failed_form.action == action:
            forms.append(failed_form)
        else:
            forms.append(action_form(action, page.matter, settings=rules))
    extension = running_deadline(page.matter, "handle")
    context = {
        "page": page, "m": page.matter, "action_forms": forms, "error": error,
        "open_action": failed_form.action if failed_form is not None else "",
        "handle_deadline": extension, "due": ctx,
    }
    return render(request, "workbench/matter/detail.html", context, status=status)


@staff_required
def matter_detail(request, number):
    response = _render_page(request, number)
    log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="matter", object_ref=number,
               detail={"via": "workbench"}, ip=client_ip(request))
    return response


@staff_required
@require_POST
def matter_reveal(request, number):
    """Show full ID numbers and phones: allowed by access.can_reveal, and always logged."""
    ctx = due_context()
    page = matter_page(request.user, number, ctx, reveal=True)
    if not page.can_reveal:
        messages.error(request, "您无权查看该事项信访人的完整身份信息。")
        return redirect("workbench:matter", number=number)
    log_access(user=request.user, kind=AccessLog.Kind.REVEAL, object_type="matter", object_ref=number,
               detail={"via": "workbench"}, ip=client_ip(request))
    if is_htmx(request):
        return render(request, "workbench/matter/_petitioners.html", {"page": page, "m": page.matter})
    return _render_page(request, number, reveal=True)


def _replayed(user, matter, action: str) -> bool:
    """A double-submitted form: the latest act is this user's same action, moments ago."""
    last = matter.events.order_by("-seq").first()
    return bool(
        last is not None and last.action == action and last.actor_id == user.pk
        and timezone.now() - last.recorded_at < dt.timedelta(seconds=60)
    )


@staff_required
@require_POST
def matter_act(request, number, action):
    if action not in WORKFLOW:
        raise Http404("未知的操作")
    matter = access_matter(request.user, number)
    form = action_form(action, matter, data=request.POST, files=request.FILES, settings=current_rules())
    from_editor = request.POST.get("editor") == "1" and writing.is_opinion_action(action)

    def failed(error, status):  # back where the form was: the opinion editor or the matter page
        if from_editor:
            return render_editor(request, matter, action, form=form, error=error, status=status)
        return _render_page(request, number, failed_form=form, error=error, status=status)

    if not form.is_valid():
        return failed("请按提示修改后再提交。", 400)
    try:
        perform_action(actor=request.user, number=number, action=action, params=form.params(),
                       expected_version=form.cleaned_data["expected_version"])
    except StaleVersion as exc:
        if _replayed(request.user, matter, action):
            messages.info(request, f"“{form.label}”已经完成，重复提交已忽略。")
            return redirect("workbench:matter", number=number)
        return _render_page(request, number, error=exc.message, status=409)
    except NotVisible:
        raise
    except AppError as exc:
        apply_error(form, exc)
        return failed(exc.message, STATUS_FOR_ERROR.get(exc.code, 409))
    messages.success(request, f"已完成“{form.label}”。")
    try:
        access_matter(request.user, number)
    except NotVisible:
        return redirect("workbench:home")
    return redirect("workbench:matter", number=number)


@staff_required
def attachment_download(request, number, pk):
    """Attachments are served only through this access-checked view, never from MEDIA_URL."""
    _matter, attachment = attachment_for(request.user, number, pk)
    log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="attachment",
               object_ref=f"{number}/{attachment.pk}", detail={"name": attachment.name}, ip=client_ip(request))
    inline = attachment.mime.startswith("image/") or attachment.mime == "application/pdf"
    response = FileResponse(attachment.file.open("rb"), as_attachment=not inline, filename=attachment.name,
                            content_type=attachment.mime or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@staff_required
@require_POST
def attachment_visibility(request, number, pk):
    """对信访人可见 on or off for one file (the bureau's case staff or the handling unit)."""
    public = request.POST.get("public") == "1"
    try:
        att = attachment_set_public(actor=request.user, number=number, pk=pk, public=public)
    except NotVisible:
        raise
    except AppError as exc:
        messages.error(request, exc.message)
        return redirect("workbench:matter", number=number)
    messages.success(request, f"附件“{att.name}”已设为" + ("对信访人可见。" if att.public else "仅工作人员可见。"))
    return redirect(f"/matters/{number}/#h-att")


@staff_required
def matter_print(request, number):
    ctx = due_context()
    page = matter_page(request.user, number, ctx)
    log_access(user=request.user, kind=AccessLog.Kind.VIEW, object_type="matter", object_ref=number,
               detail={"via": "workbench", "print": True}, ip=client_ip(request))
    return render(request, "workbench/matter/print.html", {"page": page, "m": page.matter, "due": ctx,
                                                            "printed_at": timezone.localtime()})
