"""Writing the opinion (issue 15 item 7): a full-width editor for 处理意见/复查意见/复核意见 with
stock phrases, category templates, legal bases in force, and a preview of the 意见书 the act would
issue (HTML in the page, or the PDF itself). The form posts to the act URL like the side panel."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from xinfang.documents import writing
from xinfang.documents.renderers.pdf import render_pdf
from xinfang.matters.access import access_matter
from xinfang.matters.workflow import WORKFLOW, allowed_actions
from xinfang.workdays.models import current_rules

from ..forms.actions import action_form
from .helpers import staff_required


def _matter_for(user, number: str, action: str):
    matter = access_matter(user, number)
    if not writing.is_opinion_action(action) or action not in allowed_actions(user, matter):
        raise Http404("该事项当前不能出具此意见")
    return matter


def render_editor(request, matter, action: str, *, form=None, error: str = "", status: int = 200):
    form = form if form is not None else action_form(action, matter, settings=current_rules())
    for name in ("opinion", "legal_basis"):
        if name in form.fields:
            form.fields[name].widget.attrs.update({"rows": 10 if name == "opinion" else 3, "class": "opinion-editor__text",
                                                   "data-opinion-field": name})
    context = {"m": matter, "form": form, "action": action, "label": WORKFLOW[action].label,
               "doc_label": writing.OPINION_DOC[action].label, "aids": writing.aids(matter, action), "error": error}
    return render(request, "workbench/matter/write.html", context, status=status)


@staff_required
def opinion_editor(request, number, action):
    return render_editor(request, _matter_for(request.user, number, action), action)


@staff_required
@require_POST
def opinion_preview(request, number, action):
    """The document from the unsaved form: HTML (htmx) or ``format=pdf`` (opens in a new tab)."""
    matter = _matter_for(request.user, number, action)
    params = {name: request.POST.get(f"{action}-{name}", "").strip() for name in WORKFLOW[action].fields}
    content = writing.preview(request.user, matter, action, params)
    if request.GET.get("format") == "pdf":
        data, _missing = render_pdf(content)
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response
    return render(request, "documents/_preview.html", {"content": content})
