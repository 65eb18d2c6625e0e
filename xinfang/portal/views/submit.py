"""Online petition (网上信访) and public suggestions (人民建议征集): one form, one matter."""

from __future__ import annotations

import secrets

from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_safe

from xinfang.core.errors import InvalidInput
from xinfang.core.http import client_ip
from xinfang.notifications.selectors import registration_sms

from .. import session
from ..errors import TooManyAttempts
from ..forms import (
    SERVICE_FIELDS,
    SUGGESTION_SERVICE_FIELDS,
    PetitionForm,
    SuggestionForm,
    apply_service_error,
)
from ..models import PortalSubmission
from ..presenter import public_view
from ..protection import challenge
from ..services.submission import (
    check_address_limits,
    record_challenge_failure,
    replayed_submission,
    submit,
)
from .common import portal_render
from .pages import _contact

KINDS = {
    "petition": (PetitionForm, "portal/submit.html", SERVICE_FIELDS),
    "suggestion": (SuggestionForm, "portal/suggest.html", SUGGESTION_SERVICE_FIELDS),
}


def _fresh_initial() -> dict:
    return {"form_token": secrets.token_urlsafe(24), "challenge_token": challenge.new_challenge().token}


def _remember(request, submission: PortalSubmission) -> None:
    request.session[session.LAST_SUBMISSION] = submission.pk
    session.grant(request, submission.matter.number, submission.petition.number)


def _form_page(request, kind: str):
    form_class, template, field_map = KINDS[kind]
    context = {"contact": _contact()}
    if request.method != "POST":
        return portal_render(request, template, {**context, "form": form_class(initial=_fresh_initial())})
    ip = client_ip(request)
    form = form_class(request.POST, request.FILES)
    existing = replayed_submission(request.POST.get("form_token", ""))
    if existing is not None:  # back button or double tap: the same form again → the same matter
        _remember(request, existing)
        return redirect("portal:submit_done")
    try:
        check_address_limits(ip)
    except TooManyAttempts as exc:
        return portal_render(request, template, {**context, "form": form, "blocked": exc.message}, status=429)
    status = 200
    if form.is_valid():
        try:
            outcome = submit(kind=kind, token=form.cleaned_data["form_token"], data=form.service_data(),
                             files=form.cleaned_data.get("attachments") or [], ip=ip,
                             phone=form.cleaned_data.get("phone", ""), challenge_nonce=form.challenge_nonce)
        except TooManyAttempts as exc:
            form.add_error(None, exc.message)
            status = 429
        except InvalidInput as exc:
            apply_service_error(form, exc, field_map)
            if "challenge_answer" in exc.fields:
                form.refresh_challenge()
        else:
            _remember(request, outcome.submission)
            return redirect("portal:submit_done")
    elif form.is_bot:
        return portal_render(request, template, {**context, "form": form_class(initial=_fresh_initial())}, status=400)
    elif form.challenge_failed:
        record_challenge_failure(ip)
        form.refresh_challenge()
    files_lost = bool(request.FILES)
    return portal_render(request, template, {**context, "form": form, "files_lost": files_lost}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def submit_petition(request):
    return _form_page(request, "petition")


@require_http_methods(["GET", "HEAD", "POST"])
def submit_suggestion(request):
    return _form_page(request, "suggestion")


@require_safe
def submit_done(request):
    pk = request.session.get(session.LAST_SUBMISSION)
    submission = (PortalSubmission.objects.select_related("matter", "petition").filter(pk=pk, matter__isnull=False).first()
                  if pk else None)
    if submission is None:
        return redirect("portal:submit")
    notices = public_view(submission.matter, submission.petition)["notices"]
    receipt = next((n for n in notices if n["type"] == "registration_receipt" and n["available"]), None)
    return portal_render(request, "portal/submit_done.html", {
        "submission": submission, "matter": submission.matter, "petition": submission.petition,
        "sms": registration_sms(submission.petition), "contact": _contact(), "receipt": receipt,
    })
