"""GET /api/v1/matters/{number}/documents/ (api-v1.md "Documents") and the file downloads."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.views import APIView

from xinfang.core.api.permissions import IsStaff
from xinfang.core.errors import NotVisible
from xinfang.core.http import client_ip
from xinfang.core.models import log_access

from . import selectors
from .models import IssuedDocument
from .rendering import file_bytes
from .views.common import file_response


class DocumentSerializer(serializers.ModelSerializer):
    type = serializers.CharField(source="doc_type")
    event = serializers.SerializerMethodField()
    sha256 = serializers.CharField(source="pdf_sha256", allow_null=True)  # null until the files are rendered
    docx_sha256 = serializers.CharField(allow_null=True)  # likewise (the schema says so: the probe checks it)
    pdf_url = serializers.SerializerMethodField()
    docx_url = serializers.SerializerMethodField()
    title = serializers.CharField()
    issuing_unit = serializers.CharField(source="issuing_unit.code")
    delivered = serializers.SerializerMethodField()

    class Meta:
        model = IssuedDocument
        fields = ["id", "type", "doc_number", "title", "issued_at", "event", "sha256", "docx_sha256",
                  "issuing_unit", "recipient", "template_version", "delivered", "pdf_url", "docx_url"]

    def to_representation(self, obj):
        data = super().to_representation(obj)
        if obj.rendered_at is None:
            data["sha256"] = data["docx_sha256"] = None
        return data

    def get_event(self, obj) -> int | None:
        """The sequence number of the matter event that produced the document."""
        return obj.event.seq if obj.event_id else None

    def _url(self, obj, fmt):
        url = reverse("api-matter-document-file", kwargs={"number": obj.matter.number, "doc_id": obj.pk, "fmt": fmt})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url

    def get_pdf_url(self, obj) -> str:
        return self._url(obj, "pdf")

    def get_docx_url(self, obj) -> str:
        return self._url(obj, "docx")

    def get_delivered(self, obj) -> dict | None:
        rows = list(obj.deliveries.all())
        if not rows:
            return None
        d = rows[0]  # prefetched latest first
        return {"method": d.method, "outcome": d.outcome, "delivered_at": d.delivered_at}


class MatterDocumentsView(ListAPIView):
    """Documents issued on a matter (404 when the matter is not visible to the caller)."""

    permission_classes = [IsStaff]
    serializer_class = DocumentSerializer

    def get_queryset(self):
        _matter, docs = selectors.matter_documents(self.request.user, self.kwargs["number"])
        return docs


class MatterDocumentFileView(APIView):
    permission_classes = [IsStaff]

    @extend_schema(responses={
        (200, "application/pdf"): OpenApiTypes.BINARY,
        (200, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"): OpenApiTypes.BINARY,
    })
    def get(self, request, number, doc_id, fmt):
        doc = selectors.document_for(request.user, doc_id, full=True)
        if doc.matter is None or doc.matter.number != number:
            raise NotVisible("未找到该文书，或您无权查看。")
        log_access(user=request.user, kind="export", object_type="document", object_ref=doc.doc_number,
                   detail={"document": doc.pk, "format": fmt, "matter": number, "via": "api"},
                   ip=client_ip(request))
        return file_response(doc, fmt, file_bytes(doc, fmt), inline=False)
