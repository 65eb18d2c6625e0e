"""Documents to the standard (GB/T 9704-2012, issue 15 item 12): 成文日期 in Arabic numerals, room
for the seal, no stretched lines, the DOCX first-line indent in character and twip units, the
送达回证, the 登记回执's portal address and QR code, "你" for one petitioner.

Text is read back with poppler's ``pdftotext`` (what a clerk's tools see) and the DOCX XML."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
import time_machine
from django.test import override_settings
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from xinfang.documents.renderers.qr import qr_png
from xinfang.documents.rendering import ensure_rendered
from xinfang.testing.factories import act, at, register, valid_id

from .helpers import doc_of, flat, full_lifecycle

pytestmark = [pytest.mark.django_db, pytest.mark.with_documents]
needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) missing")
BASE = "https://xf.example.gov.cn"


def poppler_text(doc) -> str:
    out = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=bytes(ensure_rendered(doc).pdf_data),
                         capture_output=True, check=True)
    return out.stdout.decode()


def word_boxes(doc) -> list[tuple[str, float, float]]:
    """(word, x_min, y_min) in points, from ``pdftotext -bbox``, last page only."""
    data = bytes(ensure_rendered(doc).pdf_data)
    last = str(len(PdfReader(io.BytesIO(data)).pages))
    out = subprocess.run(["pdftotext", "-bbox", "-f", last, "-l", last, "-", "-"],
                         input=data, capture_output=True, check=True).stdout.decode()
    return [(m.group(5), float(m.group(1)), float(m.group(2)))
            for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', out)]


def docx_xml(doc) -> str:
    with zipfile.ZipFile(io.BytesIO(bytes(ensure_rendered(doc).docx_data))) as z:
        return z.read("word/document.xml").decode()


def content_streams(doc) -> str:
    reader = PdfReader(io.BytesIO(bytes(ensure_rendered(doc).pdf_data)))
    return "\n".join(page.get_contents().get_data().decode("latin-1") for page in reader.pages)


def two_petitioners(county):
    return register(county, petitioners=[
        {"name": "张三", "id_number": valid_id(901), "phone": "13812345678", "address": "东关村1号"},
        {"name": "李四", "id_number": valid_id(902), "phone": "13912345678", "address": "东关村2号"},
    ])


@needs_poppler
@override_settings(XINFANG_PUBLIC_BASE_URL=BASE)
def test_receipt_date_address_qr_and_you(county):
    with time_machine.travel(at("2026-12-04", 9), tick=False):
        petition = register(county, received_at=at("2026-12-04", 8))
    matter = petition.matter
    receipt = doc_of(matter, "registration_receipt")
    text = poppler_text(receipt)
    assert "2026年12月4日" in text and "二〇二六" not in text  # 成文日期 in Arabic numerals
    url = f"{BASE}/public/track/?number={matter.number}"
    assert f"{BASE}/public/track/" in flat(text) and receipt.context["查询网址"] == f"{BASE}/public/track/"
    assert receipt.context["__qr__"] == url
    assert "你于" in flat(text) and "你（你们）" not in text  # one petitioner: "你"
    # the QR code: one image in the PDF; in the DOCX exactly the PNG segno makes of the URL
    images = subprocess.run(["pdfimages", "-list", "-"], input=bytes(receipt.pdf_data), capture_output=True).stdout.decode()
    assert len([line for line in images.splitlines()[2:] if line.strip()]) == 1
    with zipfile.ZipFile(io.BytesIO(bytes(receipt.docx_data))) as z:
        media = [z.read(n) for n in z.namelist() if n.startswith("word/media/")]
    assert media == [qr_png(url)]
    assert len(PdfReader(io.BytesIO(bytes(receipt.pdf_data))).pages) == 1  # handed over the counter: one page


@needs_poppler
def test_several_petitioners_keep_the_form_and_no_address_without_setting(county):
    matter = two_petitioners(county).matter
    receipt = doc_of(matter, "registration_receipt")
    text = flat(poppler_text(receipt))
    assert "你（你们）于" in text and "张三、李四：" in text
    assert "查询网址" not in text and "__qr__" not in receipt.context  # no address configured: no line, no code


@needs_poppler
def test_opinion_date_seal_room_no_stretching_and_delivery_receipt(county):
    matter = full_lifecycle(county)
    opinion = doc_of(matter, "handling_opinion")
    text = poppler_text(opinion)
    assert "2026年11月20日" in text.splitlines()[-1] or "2026年11月20日" in text
    assert "你（你们）" not in text and "如你对本处理意见不服" in flat(text)
    assert not re.search(r"(?<![\d.])-?\d*\.?\d+ Tc", content_streams(opinion).replace("0 Tc", "")), "character spacing used"
    # room for the seal: the date stands well below the last body line; 右空四字
    boxes = [b for b in word_boxes(opinion)]
    date_box = next(b for b in boxes if "2026年11月20日" in b[0])
    signature = next(b for b in boxes if b[0] == "城关镇人民政府" and b[2] > date_box[2] - 40)
    body_above = max(b[2] for b in boxes if b[2] < signature[2] - 1)
    assert date_box[2] - body_above >= 85  # pt: ≥ 30 mm from the last text line to the date
    assert 595.3 - 26 / 25.4 * 72 - (date_box[1] + 16 * 7) > 50  # date ends ~4 characters from the right margin

    from xinfang.documents.models import IssuedDocument

    forms = {d.event.action: d for d in IssuedDocument.objects.filter(matter=matter, doc_type="delivery_receipt")}
    form = forms["reply"]
    assert form.issuing_unit == county.town and form.doc_number.startswith("城关送〔2026〕")
    ftext = flat(poppler_text(form))
    for needle in ("送达回证", "送达文书", opinion.doc_number, "受送达人签名或盖章", "拒收事由及见证人", "送达人", "张三",
                   "东关村1号", "□留置"):
        assert flat(needle) in ftext, needle
    assert "张三：" not in ftext  # a form names its addressee inside: no 主送 line
    assert len(PdfReader(io.BytesIO(bytes(form.pdf_data))).pages) == 1  # one sheet to sign
    d = Document(io.BytesIO(bytes(form.docx_data)))
    assert d.tables and d.tables[0].cell(4, 0).text == "受送达人签名或盖章"
    review_form = forms["review_decide"]  # the 复查意见书 travels with its own form, from the review body
    assert review_form.issuing_unit == county.government
    assert flat(doc_of(matter, "review_opinion").doc_number) in flat(poppler_text(review_form))


def test_docx_indent_in_both_units_and_left_aligned(county):
    matter = full_lifecycle(county)
    xml = docx_xml(doc_of(matter, "handling_opinion"))
    indents = [i for i in re.findall(r"<w:ind [^>]*/>", xml) if "firstLine" in i]
    assert len(indents) >= 5 and all('w:firstLineChars="200"' in i and 'w:firstLine="640"' in i for i in indents)
    d = Document(io.BytesIO(bytes(doc_of(matter, "handling_opinion").docx_data)))
    body = [p for p in d.paragraphs if p._p.pPr is not None and p._p.pPr.find(qn("w:ind")) is not None
            and p._p.pPr.find(qn("w:ind")).get(qn("w:firstLineChars"))]
    aligns = [p._p.pPr.find(qn("w:jc")) for p in body]
    assert body and all(jc is None or jc.get(qn("w:val")) == "left" for jc in aligns)  # 正文 left, 附注 default (left)
    assert 'w:jc w:val="both"' not in xml and 'w:jc w:val="distribute"' not in xml


@needs_poppler
def test_every_type_of_the_lifecycle_renders_with_arabic_date(county):
    matter = full_lifecycle(county)
    with time_machine.travel(at("2026-12-20", 10), tick=False):
        act(county, "officer", matter, "recheck_decide", outcome="uphold", opinion="复查意见正确，予以维持。")
    docs = list(matter.documents.all()) if hasattr(matter, "documents") else []
    from xinfang.documents.models import IssuedDocument

    docs = list(IssuedDocument.objects.filter(matter=matter))
    assert {d.doc_type for d in docs} >= {"registration_receipt", "forwarding_letter", "acceptance_notice",
                                          "extension_notice", "handling_opinion", "delivery_receipt",
                                          "review_opinion", "recheck_opinion"}
    for doc in docs:
        text = poppler_text(doc)
        assert re.search(r"20\d\d年\d{1,2}月\d{1,2}日", text), doc.doc_type
        assert "二〇二六年" not in text, doc.doc_type
        assert " Tc" not in content_streams(doc).replace("0 Tc", ""), doc.doc_type
