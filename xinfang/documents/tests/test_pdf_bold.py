"""Faux bold in the PDF stays where it is asked for: the letterhead and the title, nothing after.

fpdf2 writes ``2 Tr`` (fill + stroke) for the bold text but never ``0 Tr`` when the text mode is
set back to FILL; the rendering mode is page state, so the body, the tables of the reports, the
signature and the page number after the title were all drawn bold (stroked) on the first page.
"""

from __future__ import annotations

import io

from pypdf import PdfReader
from pypdf.generic import ContentStream

from xinfang.documents.renderers.content import DocumentContent, Table
from xinfang.documents.renderers.pdf import render_pdf


def _modes(pdf: bytes) -> list[list[int]]:
    """Per page, the text rendering mode in force at each text-showing operator."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        mode, stack, out = 0, [], []
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"q":
                stack.append(mode)
            elif op == b"Q":
                mode = stack.pop() if stack else 0
            elif op == b"Tr":
                mode = int(operands[0])
            elif op in (b"Tj", b"TJ", b"'", b'"'):
                out.append(mode)
        pages.append(out)
    return pages


def test_only_letterhead_and_title_are_bold():
    content = DocumentContent(
        letterhead="示范县信访局", doc_number="示信简〔2026〕1号", title="信访工作简报（2026年10月）", recipient="",
        paragraphs=["十月全县共收到信访件6件，同比持平。", "[[表1]]", "以上情况，请各单位关注。"],
        signature="示范县信访局", date_text="二〇二六年十一月二十二日",
        blocks={"表1": Table("表1 信访总量", ["信访形式", "信访件"], [["来信", "1"], ["来访", "3"]])})
    pdf, _ = render_pdf(content)
    first, *rest = _modes(pdf)
    assert first[:3] == [2, 0, 2]  # letterhead bold, document number plain, title bold
    assert set(first[3:]) == {0}, first  # body, table, signature, date and page number: not bold
    assert all(set(page) <= {0} for page in rest)


def test_a_cell_cut_to_its_width_draws_its_ellipsis(caplog):
    """A table cell too long for its column ends with "…", which the document's own text may not hold:
    the embedded font carries it anyway (fpdf2 warned of a missing glyph and drew nothing)."""
    long_name = "示范县人力资源和社会保障局劳动保障监察大队第三中队" * 3
    content = DocumentContent(
        letterhead="示范县信访局", doc_number="示信简〔2026〕2号", title="信访工作简报", recipient="",
        paragraphs=["[[表1]]"], signature="示范县信访局", date_text="2026年11月22日",
        blocks={"表1": Table("表1 被反映较多的单位", ["单位", "件"], [[long_name, "8"]])})
    assert "…" not in content.all_characters()
    with caplog.at_level("WARNING", logger="fpdf"):
        pdf, missing = render_pdf(content)
    assert not missing and not [r for r in caplog.records if "missing the following glyphs" in r.getMessage()]
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "…" in text
