"""Rendering issued documents to PDF and DOCX after the act has committed.

The act's transaction fixes everything a document *says*: its number, template version, frozen
placeholder values (``context``) and full text (``rendered_text`` with its hash). The bytes are
produced afterwards from exactly those, so rendering never holds a row lock and never delays
another act; they are written once (``rendered_at`` goes from NULL to a time in one guarded
UPDATE) and hashed when written.

Who renders (``settings.XINFANG_DOCUMENT_RENDERING``):

* ``thread`` (default): an in-process runner; after commit the document id is queued to one
  background thread of this process;
* ``celery``: after commit a Celery task renders it (the worker);
* ``inline``: rendered in the after-commit callback of the request itself (tests, scripts);
* ``pending``: nobody renders now; the document stays pending until one of the catch-ups below
  (the statement-count benchmark, which counts the act alone).

Nothing is lost if the process dies in between: a pending document (``rendered_at IS NULL``,
partial index) is rendered by ``render_pending`` (``manage.py render_documents``, the daily
engine ``run_deadlines``, the Celery beat task) and on demand by any download.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
import time
import zipfile

from django.conf import settings
from django.db import close_old_connections, connection, models, transaction
from django.utils import timezone

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


# ---- after-commit dispatch ---------------------------------------------------------------------

_queue: queue.Queue[int] = queue.Queue()
_thread: threading.Thread | None = None
_lock = threading.Lock()


def _worker() -> None:
    while True:
        doc_id = _queue.get()
        try:
            render_document(doc_id)
        except Exception:
            log.exception("rendering document %s failed; it stays pending", doc_id)
        finally:
            close_old_connections()
            if _queue.empty():
                connection.close()
            _queue.task_done()


def _ensure_thread() -> None:
    global _thread
    with _lock:
        if _thread is None or not _thread.is_alive():
            _thread = threading.Thread(target=_worker, name="xinfang-render", daemon=True)
            _thread.start()


def wait_idle() -> None:
    """Block until the in-process runner has rendered everything queued (tests, benchmark)."""
    _queue.join()


def dispatch(doc_id: int) -> None:
    """Called after commit: hand the document to whoever renders (see the module docstring)."""
    mode = getattr(settings, "XINFANG_DOCUMENT_RENDERING", "thread")
    try:
        if mode == "celery":
            from .tasks import render_document_task

            render_document_task.delay(doc_id)
        elif mode == "inline":
            render_document(doc_id)
        elif mode == "pending":
            return
        else:
            _ensure_thread()
            _queue.put(doc_id)
    except Exception:  # never fails the committed act: the document stays pending and is caught up
        log.exception("dispatching the rendering of document %s failed; it stays pending", doc_id)


def schedule(doc: IssuedDocument) -> None:
    transaction.on_commit(lambda: dispatch(doc.pk), robust=True)
