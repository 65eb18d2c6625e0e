"""Rendering issued documents to PDF and DOCX after the act has committed.

The act's transaction fixes everything a document *says*: its number, template version, frozen
placeholder values (``context``) and full text (``rendered_text`` with its hash). The bytes are
produced afterwards from exactly those, so rendering never holds a row lock and never delays
another act; they are written once (``rendered_at`` goes from NULL to a time in one guarded
UPDATE) and hashed when written.

Who renders is the after-commit runner (``settings.XINFANG_AFTER_COMMIT``,
xinfang/core/background.py): a background thread of this process by default, the Celery worker,
inline in the request's after-commit callback (tests), or nobody now (``pending``).

Nothing is lost if the process dies in between: a pending document (``rendered_at IS NULL``,
partial index) is rendered by ``render_pending`` (``manage.py render_documents``, the daily
engine ``run_deadlines``, the Celery beat task) and on demand by any download.
"""

from __future__ import annotations

import io
import logging
import time
import zipfile

from django.db import models, transaction
from django.utils import timezone

from xinfang.core import background

from .composing import compose
from .models import IssuedDocument, _sha256

log = logging.getLogger(__name__)


class RenderingFailed(Exception):
    pass


def _content(doc: IssuedDocument):
    values = dict(doc.context or {})
    return compose(doc.template, values, issuing_unit_name=values.get("发文机关") or doc.issuing_unit.name,
                   doc_number=doc.doc_number, recipient=values.get("主送") or doc.recipient,
                   date_text=values.get("成文日期") or "")


def _fixed_zip(data: bytes, when) -> bytes:
    """The DOCX with every member dated ``when`` (zip members otherwise carry the render time)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second - when.second % 2)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=stamp)
            member.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def render(content, created=None) -> tuple[bytes, bytes, set[str], int]:
    """PDF and DOCX of composed content (the preview, the tests and ``render_bytes`` use it)."""
    from .renderers.docx import render_docx
    from .renderers.pdf import render_pdf

    started = time.perf_counter()
    pdf, missing = render_pdf(content, created=created)
    docx = render_docx(content)
    if created is not None:
        docx = _fixed_zip(docx, created)
    return pdf, docx, missing, int((time.perf_counter() - started) * 1000)


def render_bytes(doc: IssuedDocument) -> tuple[bytes, bytes, set[str], int]:
    """PDF and DOCX of a document from its frozen content (same input → same bytes)."""
    content = _content(doc)
    if _sha256(content.plain_text().encode("utf-8")) != doc.text_sha256:
        raise RenderingFailed(f"文书 {doc.doc_number} 的冻结内容与登记时的全文不一致，拒绝生成。")
    return render(content, created=timezone.localtime(doc.issued_at))


@background.job("render")
def render_document(doc_id: int) -> bool:
    """Render one pending document and store its files once. True if this call stored them."""
    doc = (IssuedDocument.objects.defer(None).select_related("template", "issuing_unit")
           .filter(pk=doc_id, rendered_at__isnull=True).first())
    if doc is None:
        return False  # already rendered (or unknown)
    pdf, docx, missing, elapsed = render_bytes(doc)
    with transaction.atomic():
        # A plain QuerySet: the model's manager refuses every update; this is the one write of the
        # files, guarded by ``rendered_at IS NULL`` so a second renderer changes nothing.
        stored = models.QuerySet(IssuedDocument).filter(pk=doc_id, rendered_at__isnull=True).update(
            pdf_data=pdf, docx_data=docx, pdf_sha256=_sha256(pdf), docx_sha256=_sha256(docx),
            missing_glyphs="".join(sorted(missing))[:200], render_ms=elapsed, rendered_at=timezone.now(),
        )
    return bool(stored)


def ensure_rendered(doc: IssuedDocument) -> IssuedDocument:
    """The document with its files (rendered now if no runner has done it yet)."""
    if doc.rendered_at is None:
        render_document(doc.pk)
    return IssuedDocument.objects.defer(None).select_related("matter").get(pk=doc.pk)


def file_bytes(doc: IssuedDocument, fmt: str) -> bytes:
    """The stored PDF or DOCX, rendering on demand when a download comes before the runner."""
    field = "pdf_data" if fmt == "pdf" else "docx_data"
    row = IssuedDocument.objects.filter(pk=doc.pk).values_list(field, "rendered_at").first()
    if row is None:
        raise IssuedDocument.DoesNotExist
    if row[1] is None:
        render_document(doc.pk)
        row = IssuedDocument.objects.filter(pk=doc.pk).values_list(field, "rendered_at").get()
    return bytes(row[0])


def pending_ids(limit: int | None = None) -> list[int]:
    qs = IssuedDocument.objects.filter(rendered_at__isnull=True).order_by("id").values_list("id", flat=True)
    return list(qs[:limit] if limit else qs)


def render_pending(limit: int | None = None) -> dict:
    """Render every pending document (after a crash, a stopped worker, or a backlog)."""
    done = failed = 0
    for doc_id in pending_ids(limit):
        try:
            done += render_document(doc_id)
        except Exception:
            failed += 1
            log.exception("rendering document %s failed; it stays pending", doc_id)
    return {"rendered": done, "failed": failed}


def schedule(doc: IssuedDocument) -> None:
    """Render ``doc`` once its act commits (xinfang/core/background.py decides who)."""
    background.after_commit("render", doc.pk)
