"""Celery tasks of the documents app: render one document after its act committed, and catch up."""

from celery import shared_task


@shared_task(name="xinfang.documents.tasks.render_document_task")
def render_document_task(doc_id: int) -> bool:
    from .rendering import render_document

    return render_document(doc_id)


@shared_task(name="xinfang.documents.tasks.render_pending_documents_task")
def render_pending_documents_task() -> dict:
    from .rendering import render_pending

    return render_pending()
