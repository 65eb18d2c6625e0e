"""Issued documents never change; a failed generation refuses the act with a reason."""

from __future__ import annotations

import pytest
import time_machine

from xinfang.core.errors import AppError
from xinfang.documents import services
from xinfang.documents.models import DocumentDelivery, DocumentTemplate, IssuedDocument
from xinfang.documents.rendering import ensure_rendered
from xinfang.documents.services import template_save
from xinfang.matters.models import Matter
from xinfang.testing.factories import act, at, register

from .helpers import doc_of, docx_text, flat, pdf_text


@pytest.fixture
def forwarded(county):
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "forward", unit="T01")
    return matter


def test_issued_document_cannot_be_changed_or_deleted(forwarded):
    doc = doc_of(forwarded, "forwarding_letter")
    with pytest.raises(RuntimeError):
        doc.save()
    with pytest.raises(RuntimeError):
        doc.delete()
    with pytest.raises(RuntimeError):
        IssuedDocument.objects.filter(pk=doc.pk).update(recipient="别人")
    with pytest.raises(RuntimeError):
        IssuedDocument.objects.filter(pk=doc.pk).delete()
    assert IssuedDocument.objects.get(pk=doc.pk).verify()


def test_new_template_version_never_alters_issued_documents(county, forwarded):
    doc = ensure_rendered(doc_of(forwarded, "forwarding_letter"))
    before = (bytes(doc.pdf_data), bytes(doc.docx_data), doc.rendered_text, doc.pdf_sha256)
    active = DocumentTemplate.objects.get(doc_type="forwarding_letter", active=True)
    new = template_save(actor=county.users["admin"], doc_type="forwarding_letter", data={
        "title": "信访事项转送函（新版）", "letterhead": "{{发文机关}}", "number_prefix": "{{机关代字}}转",
        "body": "请依法处理{{信访人}}反映的问题。",
    })
    assert new.version == active.version + 1 and new.active
    assert not DocumentTemplate.objects.get(pk=active.pk).active
    again = IssuedDocument.objects.get(pk=doc.pk)
    assert (bytes(again.pdf_data), bytes(again.docx_data), again.rendered_text, again.pdf_sha256) == before
    assert again.template_version == active.version and again.verify()
    # the next document uses the new wording
    with time_machine.travel(at("2026-09-11", 9), tick=False):
        matter2 = register(county, received_at=at("2026-09-11", 8)).matter
        act(county, "officer", matter2, "forward", unit="T02")
    newer = doc_of(matter2, "forwarding_letter")
    assert newer.template_version == new.version and "信访事项转送函（新版）" in newer.rendered_text
    assert flat("请依法处理张三反映的问题") in pdf_text(newer)


def test_tampered_file_is_detected(forwarded):
    doc = ensure_rendered(doc_of(forwarded, "forwarding_letter"))
    doc.pdf_data = bytes(doc.pdf_data) + b"%tampered"
    assert not doc.verify()


def test_rendering_failure_after_commit_keeps_the_act_and_the_document_pending(county, forwarded, monkeypatch):
    """Rendering runs after commit: a broken renderer cannot undo the act. The document (number,
    text, hash of the text) exists; its files stay pending until a renderer succeeds."""
    from xinfang.documents import rendering
    from xinfang.documents.renderers import pdf as pdf_renderer

    def broken(content, created=None):
        raise OSError("font file unreadable")

    monkeypatch.setattr(pdf_renderer, "render_pdf", broken)
    with time_machine.travel(at("2026-09-12", 9), tick=False):
        act(county, "handler", forwarded, "accept")
    doc = doc_of(forwarded, "acceptance_notice")
    assert doc.doc_number == "城关受〔2026〕1号" and doc.rendered_at is None and doc.verify()
    assert rendering.render_pending() == {"rendered": 0, "failed": 3}  # receipt, letter, notice
    assert IssuedDocument.objects.get(pk=doc.pk).rendered_at is None
    monkeypatch.undo()
    assert rendering.render_pending() == {"rendered": 3, "failed": 0}
    again = IssuedDocument.objects.defer(None).get(pk=doc.pk)
    assert again.rendered_at is not None and again.verify() and bytes(again.pdf_data).startswith(b"%PDF")
    assert flat("受理告知书") in pdf_text(again)


def test_rendering_again_gives_the_same_bytes(forwarded):
    """The frozen content and the issue time fix the files: rendering again says the same."""
    from xinfang.documents.rendering import render_bytes

    doc = ensure_rendered(doc_of(forwarded, "forwarding_letter"))
    pdf, docx, _missing, _ms = render_bytes(IssuedDocument.objects.defer(None).get(pk=doc.pk))
    assert docx == bytes(doc.docx_data)  # byte for byte
    # The PDF says the same (its embedded font subset comes from a per-process glyph cache and may
    # differ in a byte or two between processes, so its bytes are not compared).
    import io

    from pypdf import PdfReader

    def text(data):
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

    assert text(pdf) == text(bytes(doc.pdf_data))


def test_rendering_is_written_once(forwarded):
    from xinfang.documents.rendering import render_document

    doc = doc_of(forwarded, "forwarding_letter")
    assert render_document(doc.pk) is True
    first = IssuedDocument.objects.defer(None).get(pk=doc.pk)
    assert render_document(doc.pk) is False  # already rendered: nothing is written again
    assert IssuedDocument.objects.defer(None).get(pk=doc.pk).pdf_sha256 == first.pdf_sha256


def test_template_without_data_for_a_placeholder_refuses_the_act(county, forwarded):
    """A legacy template (written before validation) naming a value the act cannot supply."""
    DocumentTemplate.objects.filter(doc_type="acceptance_notice").update(active=False)
    DocumentTemplate.objects.create(doc_type="acceptance_notice", version=99, active=True, title="受理告知书",
                                    letterhead="{{发文机关}}", number_prefix="受", body="查询码：{{查询码}}")
    with time_machine.travel(at("2026-09-12", 9), tick=False):
        with pytest.raises(AppError) as info:
            act(county, "handler", forwarded, "accept")
    assert "{{查询码}}" in info.value.message
    assert Matter.objects.get(pk=forwarded.pk).status == "forwarded"


def test_deliveries_are_append_only(county, forwarded):
    doc = doc_of(forwarded, "forwarding_letter")
    d = services.record_delivery(actor=county.users["officer"], document=doc, method="mail", outcome="signed", receiver="李四")
    with pytest.raises(RuntimeError):
        d.save()
    with pytest.raises(RuntimeError):
        DocumentDelivery.objects.filter(pk=d.pk).delete()
    assert flat("城关镇人民政府") in docx_text(doc)
