"""Celery task of the documents app: catch up documents left pending (a single document is
rendered after its act commits by the after-commit runner, xinfang/core/background.py)."""

from celery import shared_task


@shared_task(name="xinfang.documents.tasks.render_pending_documents_task")
def render_pending_documents_task() -> dict:
    from .rendering import render_pending

    return render_pending()
