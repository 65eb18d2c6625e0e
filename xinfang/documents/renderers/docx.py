"""DOCX output (editable in Word/WPS, what county offices use), same layout as the PDF.

Fonts are named, not embedded: county PCs have them (仿宋 for the body, 宋体 bold for the
header and title, as GB/T 9704 prescribes 仿宋_GB2312 and 小标宋 where installed). The text keeps
every character as entered, including rare ones the PDF font lacks.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from .content import Chart, DocumentContent, Table, block_key
from .qr import qr_png

BODY_FONT = "仿宋"
BODY_PT = 16  # 3号
TITLE_FONT = "宋体"
RED = RGBColor(0xC8, 0x10, 0x20)


def _run(paragraph, text: str, *, size: float = 16, font: str = BODY_FONT, bold=False, color=None):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), font)
    if color is not None:
        run.font.color.rgb = color
    return run


def _paragraph(doc, *, align=None, first_line_chars: int = 0, space_after: float = 0, exact: float = 28.95):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(space_after)
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(exact)
    if align is not None:
        p.alignment = align
    if first_line_chars:
        # Both units: Word and WPS read the character units (firstLineChars, hundredths of a
        # character); LibreOffice ignores them and keeps only the twips (2 × 16 pt = 640).
        ind = OxmlElement("w:ind")
        ind.set(qn("w:firstLineChars"), str(first_line_chars * 100))
        ind.set(qn("w:firstLine"), str(int(first_line_chars * BODY_PT * 20)))
        p._p.get_or_add_pPr().append(ind)
    return p


def _red_rule(paragraph) -> None:
    """The red separator under the 发文字号 (a bottom border of that paragraph)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), "C81020")
    borders.append(bottom)
    ppr.append(borders)


def _page_number_footer(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "— ", size=14)
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    run.font.size = Pt(14)
    _run(p, " —", size=14)


def render_docx(content: DocumentContent) -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    _page_number_footer(section)
    props = doc.core_properties
    props.title = content.title
    props.author = content.signature
    props.comments = content.doc_number

    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, exact=48)
    _run(p, content.letterhead, size=30, font=TITLE_FONT, bold=True, color=RED)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=12)
    _run(p, content.doc_number)
    _red_rule(p)
    _paragraph(doc)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, exact=36)
    _run(p, content.title, size=22, font=TITLE_FONT, bold=True)
    _paragraph(doc, exact=14)
    if content.recipient:
        p = _paragraph(doc)
        _run(p, f"{content.recipient}：")
    for text in content.paragraphs:
        key = block_key(text)
        if key in content.blocks:
            _block(doc, content.blocks[key])
            continue
        p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.LEFT, first_line_chars=2)  # never stretched
        _run(p, text)
    if content.qr:
        _qr(doc, content)
    for _ in range(3):  # room for the seal (42 mm, over the signature and the date)
        _paragraph(doc)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.paragraph_format.right_indent = Pt(16 * 4)
    _run(p, content.signature)
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    p.paragraph_format.right_indent = Pt(16 * 4)
    _run(p, content.date_text)
    for note in content.notes:
        p = _paragraph(doc, first_line_chars=2)
        _run(p, f"（{note}）")
    if content.copy_to:
        _paragraph(doc)
        p = _paragraph(doc)
        _run(p, f"抄送：{content.copy_to}", size=14)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _qr(doc, content: DocumentContent) -> None:
    p = _paragraph(doc, exact=0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run().add_picture(io.BytesIO(qr_png(content.qr)), width=Mm(24))
    p = _paragraph(doc)
    _run(p, content.qr_caption(), size=12)


def _form(doc, table: Table) -> None:
    """送达回证: label | value rows tall enough to sign in."""
    from docx.enum.table import WD_ROW_HEIGHT_RULE

    grid = doc.add_table(rows=len(table.rows), cols=2)
    grid.style = "Table Grid"
    for r, cells in enumerate(table.rows):
        row = grid.rows[r]
        row.height = Mm(15)
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        for c in range(2):
            cell = grid.cell(r, c)
            cell.width = Mm(48 if c == 0 else 108)
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER if c == 0 else WD_ALIGN_PARAGRAPH.LEFT
            _run(para, str(cells[c]) if c < len(cells) else "", size=14)
    _paragraph(doc, exact=12)


def _table(doc, table: Table) -> None:
    if table.form:
        _form(doc, table)
        return
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, exact=24)
    _run(p, table.caption, size=12, font=TITLE_FONT, bold=True)
    grid = doc.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    for r, cells in enumerate([table.header, *table.rows]):
        for c, text in enumerate(cells[: len(table.header)]):
            cell = grid.cell(r, c)
            para = cell.paragraphs[0]
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER if r == 0 else (WD_ALIGN_PARAGRAPH.RIGHT if c else WD_ALIGN_PARAGRAPH.LEFT)
            _run(para, str(text), size=10.5, bold=r == 0)
    _paragraph(doc, exact=12)


def _chart(doc, chart: Chart) -> None:
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, exact=0)
    p.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    p.add_run().add_picture(io.BytesIO(chart.png), width=Mm(min(chart.width_mm, 156)))
    p = _paragraph(doc, align=WD_ALIGN_PARAGRAPH.CENTER, exact=24)
    _run(p, chart.caption, size=12)


def _block(doc, block) -> None:
    if isinstance(block, Table):
        _table(doc, block)
    else:
        _chart(doc, block)
