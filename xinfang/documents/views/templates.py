from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from xinfang.core.errors import InvalidInput, NotAllowed

from .. import placeholders, selectors, services
from ..choices import DocType
from ..models import DocumentTemplate
from ..preview import preview_content
from ..renderers.pdf import render_pdf
from .common import staff_view

FIELDS = ("title", "letterhead", "number_prefix", "body", "notes", "copy_to", "change_note")


def _doc_type(value: str) -> str:
    if value not in DocType.values:
        from django.http import Http404

        raise Http404("未知的文书类型")
    return value


@staff_view
def template_list(request):
    return render(request, "documents/templates.html", {
        "templates": selectors.templates_overview(),
        "may_edit": services.may_edit_templates(request.user),
    })


@staff_view
def template_edit(request, doc_type):
    doc_type = _doc_type(doc_type)
    active = DocumentTemplate.objects.filter(doc_type=doc_type, active=True).first()
    data = {f: getattr(active, f, "") for f in FIELDS}
    data["change_note"] = ""
    errors: dict = {}
    if request.method == "POST":
        data = {f: request.POST.get(f, "") for f in FIELDS}
        try:
            template = services.template_save(actor=request.user, doc_type=doc_type, data=data)
        except InvalidInput as exc:
            errors = exc.fields
            messages.error(request, exc.message)
        except NotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("documents:template_edit", doc_type=doc_type)
        else:
            messages.success(request, f"已保存为第{template.version}版并启用；已发出的文书不受影响。")
            return redirect("documents:template_edit", doc_type=doc_type)
    return render(request, "documents/template_edit.html", {
        "doc_type": doc_type, "label": DocType(doc_type).label, "active": active, "data": data, "errors": errors,
        "placeholders": placeholders.allowed(doc_type), "versions": selectors.template_versions(doc_type),
        "may_edit": services.may_edit_templates(request.user),
    })


@require_POST
@staff_view
def template_preview(request, doc_type):
    """Preview unsaved wording with sample data: HTML (htmx) or a sample PDF (?format=pdf)."""
    doc_type = _doc_type(doc_type)
    data = {f: request.POST.get(f, "") for f in FIELDS}
    problems = placeholders.problems(doc_type, **{k: data[k] for k in FIELDS if k != "change_note"})
    if problems:
        return render(request, "documents/_preview.html", {"problems": problems}, status=400)
    content = preview_content(doc_type, data)
    if request.GET.get("format") == "pdf":
        pdf, _missing = render_pdf(content)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="preview.pdf"'
        return response
    return render(request, "documents/_preview.html", {"content": content})


@require_POST
@staff_view
def template_activate(request, template_id):
    template = get_object_or_404(DocumentTemplate, pk=template_id)
    services.template_activate(actor=request.user, template=template)
    messages.success(request, f"已启用第{template.version}版。")
    return redirect("documents:template_edit", doc_type=template.doc_type)
