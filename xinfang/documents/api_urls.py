"""Wired at /api/v1/matters/<number>/documents/ (views receive ``number``)."""

from django.urls import path, re_path

from .api import MatterDocumentFileView, MatterDocumentsView

urlpatterns = [
    path("", MatterDocumentsView.as_view(), name="api-matter-documents"),
    re_path(r"^(?P<doc_id>\d+)/(?P<fmt>pdf|docx)/$", MatterDocumentFileView.as_view(), name="api-matter-document-file"),
]
