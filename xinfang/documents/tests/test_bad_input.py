"""Rare characters, full-width punctuation and very long content render without breaking."""

from __future__ import annotations

import io

import time_machine
from docx import Document
from pypdf import PdfReader

from xinfang.documents.renderers.content import DocumentContent
from xinfang.documents.renderers.fonts import store
from xinfang.documents.renderers.pdf import render_pdf
from xinfang.documents.rendering import ensure_rendered
from xinfang.documents.services import issue_document
from xinfang.testing.factories import act, at, register

from .helpers import doc_of, docx_text, flat, pdf_text

RARE = "䶮堃犇㵘"  # CJK Extension A and uncommon BMP ideographs: in the font
EXT_B = "𠀀"  # CJK Extension B: not in Noto Serif/Sans SC → 〓 in the PDF only


def test_font_coverage_of_rare_characters():
    assert store().covers(RARE + "，。、；：？！“”‘’（）《》〔〕【】…—·") == set()
    assert store().covers(EXT_B) == {EXT_B}


def test_rare_names_and_full_width_punctuation_in_a_real_act(county):
    name = "王䶮堃" + EXT_B
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8), title="关于“犇㵘”村道路（东段）问题！？",
                          petitioners=[{"name": name, "id_number": "", "phone": "13812345678", "address": "东关村"}]).matter
        act(county, "officer", matter, "forward", unit="T01")
    receipt = ensure_rendered(doc_of(matter, "registration_receipt"))
    assert receipt.missing_glyphs == EXT_B
    assert name in receipt.rendered_text  # the stored text keeps the exact name
    assert flat(f"{name}：") in docx_text(receipt)  # so does the DOCX
    pdf = pdf_text(receipt)
    assert flat("王䶮堃〓：") in pdf  # the PDF marks the missing glyph with 〓, the layout holds
    letter = doc_of(matter, "forwarding_letter")
    assert flat("关于“犇㵘”村道路（东段）问题！？") in pdf_text(letter)


def test_ten_thousand_characters_paginate_and_keep_every_character(county):
    sentence = "经调查核实，该小区物业公司自2023年1月起收取停车费每月150元，未经价格主管部门备案（见附件1）；"
    opinion = (sentence * (10000 // len(sentence) + 1))[:10000]
    with time_machine.travel(at("2026-09-10", 9), tick=False):
        matter = register(county, received_at=at("2026-09-10", 8)).matter
        act(county, "officer", matter, "forward", unit="T01")
        act(county, "handler", matter, "accept")
        act(county, "handler", matter, "reply", outcome="not_support", opinion=opinion, legal_basis="《物业管理条例》")
    doc = doc_of(matter, "handling_opinion")
    reader = PdfReader(io.BytesIO(bytes(ensure_rendered(doc).pdf_data)))
    assert 14 <= len(reader.pages) <= 30
    text = pdf_text(doc)
    assert flat(opinion) in text  # nothing lost or reordered across lines and pages
    assert flat("30日内，向城关镇人民政府") not in text  # the review body is the town's superior…
    assert flat("30日内，向示范县人民政府书面请求复查") in text  # …the county government
    assert flat(opinion) in docx_text(doc)


def _lines(content: DocumentContent) -> list[str]:
    pdf, _ = render_pdf(content)
    return [line for page in PdfReader(io.BytesIO(pdf)).pages for line in page.extract_text().splitlines()]


def _content(paragraphs, title="测试标题"):
    return DocumentContent(letterhead="示范县信访局", doc_number="示信〔2026〕1号", title=title, recipient="张三",
                           paragraphs=paragraphs, signature="示范县信访局", date_text="二〇二六年十一月二十二日")


def test_no_line_starts_with_closing_punctuation():
    para = "一二三四五六七八九十一二三四五六七八九十一二三四五六七，。后面的文字继续排版“引号”（括号）、顿号；分号！"
    lines = _lines(_content([para * 6]))
    body = [line.strip() for line in lines if line.strip()]
    assert body and not any(line[0] in "，。、；：？！）》”" for line in body)


def test_long_unbreakable_latin_and_numbers_wrap_inside_the_margins():
    url = "https://example.invalid/" + "a" * 300
    lines = _lines(_content([f"链接：{url}", "1234567890" * 40]))
    assert "".join(line.strip() for line in lines).count("a") >= 300
    doc = Document(io.BytesIO(__import__("xinfang.documents.renderers.docx", fromlist=["x"]).render_docx(_content([url]))))
    assert any(url in p.text for p in doc.paragraphs)


def test_very_long_title_and_recipient_wrap(county):
    with time_machine.travel(at("2026-10-09", 10), tick=False):
        doc = issue_document("bulletin", issuing_unit=county.bureau, recipient="、".join(["各乡镇人民政府"] * 30), context={
            "通报对象": "城关镇人民政府", "通报事由": "信访事项超期未受理" * 8, "通报内容": "内容。", "整改要求": "整改。"})
    assert flat("信访事项超期未受理" * 8) in pdf_text(doc)
