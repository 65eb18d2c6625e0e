"""Reads of the documents app. Lists never load the stored files (they are deferred)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from xinfang.core.errors import NotAllowed, NotVisible
from xinfang.matters.access import access_matter, visible_matters

from .choices import PETITIONER_TYPES
from .models import DocumentDelivery, DocumentTemplate, IssuedDocument

HEAVY = ("pdf_data", "docx_data", "context", "rendered_text")


def _latest_first() -> Prefetch:
    return Prefetch("deliveries", queryset=DocumentDelivery.objects.order_by("-delivered_at", "-id"))


def light(qs: QuerySet[IssuedDocument] | None = None) -> QuerySet[IssuedDocument]:
    qs = IssuedDocument.objects.all() if qs is None else qs
    return qs.defer(*HEAVY).select_related("issuing_unit", "matter", "event")


def matter_documents(user, number: str):
    """(matter, its documents with deliveries) — NotVisible when the user may not see it."""
    matter = access_matter(user, number)
    docs = light(IssuedDocument.objects.filter(matter=matter)).prefetch_related(_latest_first()).order_by("issued_at", "id")
    return matter, docs


def may_see_unit_paper(user, doc: IssuedDocument) -> bool:
    """A document without a matter (督办单, 通报, 建议书: ``source_type`` papers of the supervision app;
    建议提案答复函 of the ledgers): county-wide readers (the bureau, county leaders, auditors), the issuing
    unit, the receiving unit and the units it is copied to (抄送单位)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_county_wide:
        return True
    if user.unit_id is None or not (user.roles or user.is_superuser):
        return False  # no unit: never matches a document whose recipient unit is empty
    if user.unit_id in (doc.issuing_unit_id, doc.recipient_unit_id):
        return True
    return doc.pk is not None and _copied_to(user.unit_id).filter(issueddocument_id=doc.pk).exists()


def _copied_to(unit_id):
    """The 抄送 rows naming a unit (through table of ``IssuedDocument.copy_units``)."""
    return IssuedDocument.copy_units.through.objects.filter(unit_id=unit_id)


def _own_papers_q(unit_id) -> Q:
    """Issued by, addressed to or copied to the unit (an Exists, so a paper copied to many units is one row)."""
    copied = Exists(_copied_to(unit_id).filter(issueddocument_id=OuterRef("pk")))
    return Q(issuing_unit_id=unit_id) | Q(recipient_unit_id=unit_id) | copied


def _unit_papers_q(user) -> Q:
    """``may_see_unit_paper`` as a filter (for lists)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.is_county_wide:
        return Q(matter__isnull=True)
    if user.unit_id is None or not (user.roles or user.is_superuser):
        return Q(pk__in=[])
    return Q(matter__isnull=True) & _own_papers_q(user.unit_id)


def document_for(user, doc_id, *, full: bool = False) -> IssuedDocument:
    """One document the user may see: through its matter, or (supervision papers) its units."""
    qs = IssuedDocument.objects.select_related("issuing_unit", "matter", "event", "recipient_unit", "template")
    qs = qs.defer(None) if full else qs.defer(*HEAVY)
    try:
        doc = qs.get(pk=int(doc_id))
    except (IssuedDocument.DoesNotExist, ValueError, TypeError):
        raise NotVisible("未找到该文书，或您无权查看。") from None
    if doc.matter_id is not None:
        if not visible_matters(user).filter(pk=doc.matter_id).exists():
            raise NotVisible("未找到该文书，或您无权查看。")
        return doc
    if may_see_unit_paper(user, doc):
        return doc
    raise NotVisible("未找到该文书，或您无权查看。")


def visible_documents(user) -> QuerySet[IssuedDocument]:
    """Every document the user may see: through a visible matter, or a unit's own papers (issued or received)."""
    qs = light()
    if not user.is_county_wide:
        # a unit's own papers and those addressed to it; never "recipient_unit is NULL" for a user without unit
        own = _own_papers_q(user.unit_id) if user.unit_id else Q(pk__in=[])
        qs = qs.filter(Q(matter__in=visible_matters(user)) | own)
    return qs


def recent_documents(user, *, limit: int = 50) -> QuerySet[IssuedDocument]:
    return visible_documents(user).prefetch_related(_latest_first()).order_by("-issued_at", "-id")[:limit]


@dataclass(frozen=True)
class DocumentFilter:
    doc_type: str = ""
    unit: str = ""  # issuing or receiving unit code
    issued_after: dt.date | None = None
    issued_before: dt.date | None = None
    q: str = ""  # a document or matter number (or part of it)
    delivered: str = ""  # "" | "yes" | "no"


def filter_documents(user, f: DocumentFilter) -> QuerySet[IssuedDocument]:
    """The documents list (文书): the user's visible documents narrowed by type, unit, date and number."""
    qs = visible_documents(user)
    if f.doc_type:
        qs = qs.filter(doc_type=f.doc_type)
    if f.unit:
        qs = qs.filter(Q(issuing_unit__code=f.unit) | Q(recipient_unit__code=f.unit))
    if f.issued_after:
        qs = qs.filter(issued_at__date__gte=f.issued_after)
    if f.issued_before:
        qs = qs.filter(issued_at__date__lte=f.issued_before)
    if f.q:
        qs = qs.filter(Q(doc_number__icontains=f.q) | Q(matter__number__icontains=f.q))
    if f.delivered:
        has = DocumentDelivery.objects.filter(document=OuterRef("pk"))
        qs = qs.filter(Exists(has)) if f.delivered == "yes" else qs.exclude(Exists(has))
    return qs.prefetch_related(_latest_first()).order_by("-issued_at", "-id")


def source_documents(user, source) -> list[IssuedDocument]:
    """The documents issued from a record of another app (``issue_document(source=...)``), that the
    user may see: a supervision record's 督办单 or 通报, a recommendation's 建议书."""
    qs = IssuedDocument.objects.filter(source_type=source._meta.label, source_id=str(source.pk))
    return list(light(qs.filter(_unit_papers_q(user))).order_by("issued_at", "id"))


# Where a source record is shown in the workbench (label, URL name).
SOURCE_PAGES = {
    "supervision.SupervisionRecord": ("督办记录", "supervision:record"),
    "supervision.Recommendation": ("建议书", "supervision:recommendation"),
    "figures.Report": ("报告草稿及数据", "figures:report"),
    "figures.AssessmentScheme": ("考核方案", "figures:assessment"),
    "ledgers.Proposal": ("建议提案", "ledgers:proposal"),
}


def source_link(doc: IssuedDocument) -> tuple[str, str] | None:
    """(label, url) of the record a supervision paper was issued from, or None."""
    page = SOURCE_PAGES.get(doc.source_type)
    if page is None or not doc.source_id.isdigit():
        return None
    return page[0], reverse(page[1], args=[int(doc.source_id)])


def print_batch(user, unit, day: dt.date) -> list[IssuedDocument]:
    """The documents a unit issued on a day (for printing, stamping and mailing)."""
    if not (user.in_bureau or user.is_county_wide or user.unit_id == unit.pk):
        raise NotAllowed("只能打印本单位的文书。")
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return list(
        IssuedDocument.objects.filter(issuing_unit=unit, issued_at__gte=start, issued_at__lt=end)
        .only("pk", "doc_number", "doc_type", "title", "pdf_data", "rendered_at", "issued_at")
        .order_by("doc_type", "seq", "id")
    )


def petitioner_documents(matter) -> QuerySet[IssuedDocument]:
    return light(IssuedDocument.objects.filter(matter=matter, doc_type__in=[t.value for t in PETITIONER_TYPES])).order_by("issued_at", "id")


def templates_overview() -> list[DocumentTemplate]:
    return list(DocumentTemplate.objects.filter(active=True).order_by("doc_type"))


def template_versions(doc_type: str) -> QuerySet[DocumentTemplate]:
    return DocumentTemplate.objects.filter(doc_type=doc_type).select_related("created_by").order_by("-version")
