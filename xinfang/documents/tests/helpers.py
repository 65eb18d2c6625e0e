"""Scenario matters for document tests, built through the core services."""

from __future__ import annotations

import io
import re

import time_machine
from docx import Document
from pypdf import PdfReader

from xinfang.documents.models import IssuedDocument
from xinfang.documents.rendering import ensure_rendered
from xinfang.testing.factories import act, at, register

FOOTER = re.compile(r"^—\s*\d+\s*—$")


def pdf_text(doc: IssuedDocument) -> str:
    """The PDF's text without whitespace and without the page-number footers."""
    reader = PdfReader(io.BytesIO(bytes(ensure_rendered(doc).pdf_data)))
    lines = [line.strip() for page in reader.pages for line in page.extract_text().splitlines()]
    return "".join("".join(line.split()) for line in lines if not FOOTER.match(line))


def docx_text(doc: IssuedDocument) -> str:
    d = Document(io.BytesIO(bytes(ensure_rendered(doc).docx_data)))
    return "".join("".join(p.text.split()) for p in d.paragraphs)


def flat(text: str) -> str:
    return "".join(text.split())


def doc_of(matter, doc_type: str) -> IssuedDocument:
    return IssuedDocument.objects.filter(matter=matter, doc_type=doc_type).order_by("-id").first()


def full_lifecycle(county):
    """register → forward → accept → extension → reply → deliver → review → deliver → recheck."""
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8), title="小区物业违规收费问题",
                          content="反映城关镇东关村某小区物业公司违规收取停车费，要求退还。").matter
    with time_machine.travel(at("2026-09-11", 10), tick=False):
        act(county, "officer", matter, "forward", unit="T01")
    with time_machine.travel(at("2026-09-14", 10), tick=False):
        act(county, "handler", matter, "accept")
    with time_machine.travel(at("2026-10-20", 10), tick=False):
        act(county, "handler", matter, "request_extension", days=20, reason="需要调取物业公司近三年收费账目")
        act(county, "uleader", matter, "approve_extension")
    with time_machine.travel(at("2026-11-20", 10), tick=False):
        act(county, "handler", matter, "reply", outcome="support",
            opinion="经调查，该物业公司收取停车费未经价格主管部门备案，责令其于30日内退还多收费用。",
            legal_basis="《物业管理条例》第四十一条、《河北省物业服务收费管理办法》第十条")
    with time_machine.travel(at("2026-11-21", 10), tick=False):
        act(county, "handler", matter, "deliver", method="in_person", signed=True)
    with time_machine.travel(at("2026-11-25", 10), tick=False):
        act(county, "officer", matter, "request_review", reason="退还金额计算有误")
    with time_machine.travel(at("2026-12-10", 10), tick=False):
        act(county, "officer", matter, "review_decide", outcome="uphold", opinion="原处理意见认定事实清楚，适用依据正确，予以维持。")
    with time_machine.travel(at("2026-12-11", 10), tick=False):
        act(county, "officer", matter, "deliver", method="mail", signed=True)
    with time_machine.travel(at("2026-12-15", 10), tick=False):
        act(county, "officer", matter, "request_recheck", reason="仍不服")
    matter.refresh_from_db()
    return matter
