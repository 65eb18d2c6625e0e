"""Excel exports: start (POST from the list), progress (HTMX polling), download (owner only)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from xinfang.core.errors import AppError

from ..models import ExportJob
from ..services.exports import export_create, purge_old_exports, start_export
from .helpers import staff_required


def _own_job(request, pk) -> ExportJob:
    job = ExportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404("导出任务不存在")
    return job


@staff_required
def export_list(request):
    if request.method == "POST":
        return export_start(request)
    jobs = ExportJob.objects.filter(user=request.user)[:30]
    return render(request, "workbench/exports/list.html", {"jobs": jobs})


@require_POST
def export_start(request):
    query = request.POST.get("query", "")
    try:
        job = export_create(actor=request.user, query=query)
    except AppError as exc:  # bad filters (400), an ID-number search by a role that may not (403)
        return render(request, "workbench/error.html", {"title": "导出条件有误", "message": exc.message},
                      status=exc.http_status)
    purge_old_exports()
    start_export(job)
    return redirect("workbench:export", pk=job.pk)


@staff_required
def export_detail(request, pk):
    job = _own_job(request, pk)
    template = "workbench/exports/_progress.html" if request.htmx else "workbench/exports/detail.html"
    return render(request, template, {"job": job})


@staff_required
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE or not job.file_path or not Path(job.file_path).exists():
        raise Http404("导出文件不存在或已过期")
    response = FileResponse(open(job.file_path, "rb"),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    # An ASCII fallback name first, the Chinese name (RFC 6266 filename*) for browsers that read it.
    fallback = f"xinfang-export-{timezone.localtime(job.created_at):%Y%m%d-%H%M%S}.xlsx"
    response["Content-Disposition"] = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(job.file_name)}"
    response["Cache-Control"] = "private, no-store"
    return response
