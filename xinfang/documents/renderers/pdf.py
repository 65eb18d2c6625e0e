"""PDF output laid out after GB/T 9704-2012 (党政机关公文格式), with the font embedded.

A4, 版心 156 × 225 mm (margins: top 37, bottom 35, left 28, right 26 mm); 发文机关标志 in red,
centred; 发文字号 centred above a red separator; 标题 2号 centred; 正文 3号, first-line indent of
two characters, set flush left on the character grid (never stretched by character spacing: a
full line of CJK ends within one character of the margin, a short or last line stays left);
发文机关署名 and 成文日期 (Arabic numerals) on the right with room for a 42 mm seal over them; page
numbers "— n —" at the foot. Chinese line breaking keeps closing punctuation off the start of a
line and opening punctuation off its end (避头尾).
"""

from __future__ import annotations

import io
import re

from fpdf import FPDF
from fpdf.enums import TextMode
from fpdf.fonts import TTFFont

from .content import Chart, DocumentContent, Table, block_key
from .fonts import FAMILY, MISSING_MARK, build_font
from .qr import qr_png

PT = 25.4 / 72  # mm per point
PAGE_W, PAGE_H = 210.0, 297.0
LEFT, RIGHT, TOP, BOTTOM = 28.0, 26.0, 37.0, 35.0
TEXT_W = PAGE_W - LEFT - RIGHT  # 156 mm
RED = (200, 16, 32)
SEAL_MM = 42.0  # a county organ's seal (diameter): its top within one line of the text above
QR_MM = 24.0
BODY_PT = 16.0  # 3号
TITLE_PT = 22.0  # 2号
LINE_H = 225.0 / 22  # 22 lines per page (GB/T 9704 5.2.2)
NO_START = set("，。、；：？！）》」』”’〕】…—%,.;:?!)]}·")
NO_END = set("（《「『“‘〔【([{")
LATIN_RUN = re.compile(r"[A-Za-z0-9@#&_\-./:]+")


class _OfficialPDF(FPDF):
    def faux_bold(self, on: bool, color=(0, 0, 0)) -> None:
        """Bold drawn as fill + a thin stroke (the embedded subset has one weight).

        fpdf2's ``text()`` writes ``2 Tr`` into the page while the text mode is FILL_STROKE but
        never ``0 Tr`` when it is set back to FILL, and the text rendering mode is page state: every
        line after the title (body, tables, signature, page number) was stroked too, i.e. bold.
        Turning bold off therefore writes ``0 Tr`` itself. (A q/Q local context would also reset it,
        but fpdf2 then re-selects the font inside the group and the output was not reproducible.)
        """
        if on:
            self.text_mode = TextMode.FILL_STROKE
            self.set_line_width(0.25)
            self.set_draw_color(*color)
        else:
            self.text_mode = TextMode.FILL
            self._out("0 Tr")  # the subclass writes one page operator: the mode fpdf2 left behind

    def footer(self):  # page numbers: 4号 (14pt), "— 1 —"
        self.set_y(-BOTTOM + 12)
        self.set_font(FAMILY, size=14)
        self.set_text_color(0, 0, 0)
        self.cell(0, 6, f"— {self.page_no()} —", align="C")


def _tokens(text: str) -> list[str]:
    """Break units: single CJK characters, whole Latin/number runs."""
    out: list[str] = []
    pos = 0
    for m in LATIN_RUN.finditer(text):
        out.extend(text[pos:m.start()])
        out.append(m.group())
        pos = m.end()
    out.extend(text[pos:])
    return out


class Layout:
    def __init__(self, pdf: FPDF, missing: set[str], advances: dict[str, float], line_h: float = LINE_H):
        self.pdf = pdf
        self.missing = missing
        self.advances = advances  # em per character, from the embedded font
        self.line_h = line_h
        self.breaks = 0

    def clean(self, text: str) -> str:
        if not self.missing:
            return text
        return "".join(MISSING_MARK if ch in self.missing else ch for ch in text)

    def width(self, token: str) -> float:
        """Width in mm at the current font size (from the font's advances, no PDF call)."""
        adv = self.advances
        return sum(adv.get(ch, 1.0) for ch in token) * self.pdf.font_size_pt * PT

    def wrap(self, text: str, first_width: float, width: float) -> list[tuple[str, bool]]:
        """Lines of ``text`` as (line, is_full) with 避头尾 and Latin runs kept whole."""
        lines: list[tuple[str, bool]] = []
        current: list[str] = []
        used = 0.0
        avail = first_width
        hanging = False
        for token in _tokens(self.clean(text)):
            w = self.width(token)
            if w > avail and len(token) > 1:  # a Latin run longer than a line: split it
                for ch in token:
                    cw = self.width(ch)
                    if used + cw > avail and current:
                        lines.append(("".join(current), True))
                        current, used, avail, hanging = [], 0.0, width, False
                    current.append(ch)
                    used += cw
                continue
            if used + w > avail + 0.01 and current:
                if token in NO_START and not hanging:  # hang one closing mark in the margin
                    current.append(token)
                    used += w
                    hanging = True
                    continue
                carry = [token]
                while carry[0] in NO_START and len(current) > 1:  # never start a line with it
                    carry.insert(0, current.pop())
                while current and current[-1] in NO_END and len(current) > 1:  # nor end one with an opener
                    carry.insert(0, current.pop())
                lines.append(("".join(current), True))
                current, avail, hanging = carry, width, False
                used = sum(self.width(t) for t in current)
                continue
            current.append(token)
            used += w
        if current or not lines:
            lines.append(("".join(current), False))
        return lines

    def need(self, height: float) -> bool:
        """Start a new page unless ``height`` fits; True when a page was started."""
        if self.pdf.get_y() + height > PAGE_H - BOTTOM:
            self.pdf.add_page()
            self.pdf.set_y(TOP)
            self.breaks += 1
            return True
        return False

    def line(self, text: str, x: float, width: float, *, justify: bool = False, align: str = "L") -> None:
        """One line at its natural width. ``justify`` is accepted for the callers' sake and
        ignored: GB/T 9704 text sits on the character grid, so no line is stretched."""
        pdf = self.pdf
        self.need(self.line_h)
        y = pdf.get_y()
        baseline = y + self.line_h / 2 + pdf.font_size * 0.35
        natural = self.width(text) if text else 0.0
        if align == "C":
            x = x + (width - natural) / 2
        elif align == "R":
            x = x + width - natural
        if text:
            pdf.text(x, baseline, text)
        pdf.set_y(y + self.line_h)

    def paragraph(self, text: str, *, indent_chars: float = 2, size: float = BODY_PT, keep: float = 0.0) -> None:
        """A paragraph (flush left, first-line indent); ``keep``: room (mm) that must follow its last two lines on the page."""
        self.pdf.set_font(FAMILY, size=size)
        em = size * PT
        lines = self.wrap(text, TEXT_W - indent_chars * em, TEXT_W)
        tail = max(0, len(lines) - 2)
        for i, (line, full) in enumerate(lines):
            if keep and i == tail:
                self.need(self.line_h * (len(lines) - tail) + keep)
            x = LEFT + (indent_chars * em if i == 0 else 0)
            w = TEXT_W - (indent_chars * em if i == 0 else 0)
            self.line(line, x, w, justify=full)


def _bold(pdf: _OfficialPDF, on: bool, color=(0, 0, 0)) -> None:
    pdf.faux_bold(on, color)


def _add_document_font(pdf: FPDF, data: bytes) -> None:
    """Register the per-document TrueType font from memory (fpdf2 reads any file object)."""
    font = TTFFont(pdf, io.BytesIO(data), FAMILY.lower(), "")  # type: ignore[arg-type]
    font.ttfont.recalcBBoxes = False  # glyphs are precompiled; keep them as they are
    pdf.fonts[FAMILY.lower()] = font


def render_pdf(content: DocumentContent, created=None) -> tuple[bytes, set[str]]:
    """The PDF bytes and the set of characters drawn as 〓 (no glyph in the embedded font).

    GB/T 9704 7.3.5.4: the signature and date never stand alone on a page. When they would,
    the document is laid out again with slightly tighter line spacing (at most 12% tighter).
    """
    font = build_font(content.all_characters() + ELLIPSIS)
    pdf, orphaned = _layout(content, font, LINE_H)
    if orphaned:  # first try tighter line spacing (GB/T 9704: 调整行距、字距)
        pdf, orphaned = _layout(content, font, LINE_H * 0.9)
    if orphaned:  # else the last two lines of text go over with the signature
        pdf, orphaned = _layout(content, font, LINE_H, keep_with_signature=True)
    if created is not None:  # the issue time, so that rendering again gives the same bytes
        pdf.set_creation_date(created)
    return bytes(pdf.output()), font.missing


def _layout(content: DocumentContent, font, line_h: float, *, keep_with_signature: bool = False) -> tuple[FPDF, bool]:
    """Lay the document out (cheap: no output); True when the signature block is orphaned."""
    pdf = _OfficialPDF(format="A4", unit="mm")
    pdf.set_margins(LEFT, TOP, RIGHT)
    pdf.set_auto_page_break(False)
    pdf.set_creator("xinfang 网上信访信息系统")
    pdf.set_title(content.title)
    pdf.set_lang("zh-CN")
    _add_document_font(pdf, font.data)
    lay = Layout(pdf, font.missing, font.advances, line_h)
    pdf.add_page()

    # 版头: 发文机关标志 (red), 发文字号, red separator.
    size = 34.0
    pdf.set_font(FAMILY, size=size)
    head = lay.clean(content.letterhead)
    while size > 14 and lay.width(head) > TEXT_W:
        size -= 1
        pdf.set_font(FAMILY, size=size)
    pdf.set_text_color(*RED)
    _bold(pdf, True, RED)
    pdf.set_y(TOP - 2)
    pdf.text(LEFT + (TEXT_W - lay.width(head)) / 2, TOP + size * PT * 0.8, head)
    _bold(pdf, False)
    pdf.set_text_color(0, 0, 0)
    pdf.set_y(TOP + size * PT + 8)
    if content.doc_number:
        pdf.set_font(FAMILY, size=BODY_PT)
        lay.line(lay.clean(content.doc_number), LEFT, TEXT_W, justify=False, align="C")
    pdf.set_draw_color(*RED)
    pdf.set_line_width(0.6)
    y = pdf.get_y() + 1
    pdf.line(LEFT, y, LEFT + TEXT_W, y)
    pdf.set_y(y + line_h * 0.9)

    # 标题
    pdf.set_font(FAMILY, size=TITLE_PT)
    _bold(pdf, True)
    title_lines = lay.wrap(content.title, TEXT_W, TEXT_W)
    for line, _ in title_lines:
        lay.line(line, LEFT, TEXT_W, justify=False, align="C")
    _bold(pdf, False)
    pdf.set_y(pdf.get_y() + line_h * 0.4)

    # 主送机关 / 信访人
    pdf.set_font(FAMILY, size=BODY_PT)
    if content.recipient:
        for line, full in lay.wrap(f"{content.recipient}：", TEXT_W, TEXT_W):
            lay.line(line, LEFT, TEXT_W, justify=full)

    em = BODY_PT * PT
    # The seal (42 mm) presses the signature and the date, which sit a little below its centre, and
    # its top is within one line of the text: the signature starts ≥ 1/3 of the seal below the text.
    seal_room = max(line_h * 1.4, SEAL_MM / 3)
    block = seal_room + line_h * (2 + len(content.notes))
    for i, para in enumerate(content.paragraphs):
        last = i == len(content.paragraphs) - 1
        key = block_key(para)
        if key in content.blocks:
            _block(lay, content.blocks[key])
            pdf.set_font(FAMILY, size=BODY_PT)
            continue
        lay.paragraph(para, keep=block if (keep_with_signature and last) else 0.0)

    # 发文机关署名、成文日期、印章: keep together, leave room for the seal.
    orphaned = lay.need(block)
    if content.qr:  # at the left of the signature block, where the seal never goes
        _qr(lay, content, pdf.get_y())
    pdf.set_y(pdf.get_y() + seal_room)  # room for the seal (印章 端正、居中下压署名和日期)
    date_w = lay.width(content.date_text)
    date_x = LEFT + TEXT_W - 4 * em - date_w  # 成文日期右空四字
    sig = lay.clean(content.signature)
    sig_w = lay.width(sig)
    sig_x = max(LEFT, min(date_x + (date_w - sig_w) / 2, LEFT + TEXT_W - sig_w))
    lay.line(sig, sig_x, sig_w + 1, justify=False)
    lay.line(content.date_text, date_x, date_w + 1, justify=False)
    for note in content.notes:
        lay.paragraph(f"（{note}）", indent_chars=2)
    if content.copy_to:
        pdf.set_y(pdf.get_y() + line_h)
        pdf.set_font(FAMILY, size=14)
        lay.paragraph(f"抄送：{content.copy_to}", indent_chars=1, size=14)
    return pdf, orphaned


QR_TEXT_MM = 56.0


def _qr(lay: Layout, content: DocumentContent, top: float) -> None:
    """The tracking QR code (registration receipt) at the left of the signature block, its
    address beside it in 5号; the signature, the date and the seal stay on the right."""
    pdf = lay.pdf
    y = top + lay.line_h * 0.5
    pdf.image(io.BytesIO(qr_png(content.qr)), x=LEFT, y=y, w=QR_MM, h=QR_MM)
    pdf.set_font(FAMILY, size=10.5)
    x = LEFT + QR_MM + 3
    step = 10.5 * PT * 1.5
    for i, (line, _full) in enumerate(lay.wrap(content.qr_caption(), QR_TEXT_MM, QR_TEXT_MM)):
        pdf.text(x, y + 5 + i * step, line)
    pdf.set_font(FAMILY, size=BODY_PT)
    pdf.set_y(top)


# ---- tables and charts (reports of xinfang.figures) -----------------------------------------

TABLE_PT = 10.5  # 五号
CELL_PAD = 1.5
ELLIPSIS = "…"  # ends a table cell cut to its width (drawn, so always in the document's font)


def _fit(lay: Layout, text: str, width: float) -> str:
    if lay.width(text) <= width:
        return text
    while text and lay.width(text + ELLIPSIS) > width:
        text = text[:-1]
    return text + ELLIPSIS


FORM_PT = 14.0  # 4号
FORM_ROW_MM = 10.0
FORM_LABEL_MM = 48.0


def _form(lay: Layout, table: Table) -> None:
    """A form filled in by hand (送达回证): label | value rows, tall enough to sign in."""
    pdf = lay.pdf
    pdf.set_font(FAMILY, size=FORM_PT)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_line_width(0.3)
    _bold(pdf, False)
    widths = (FORM_LABEL_MM, TEXT_W - FORM_LABEL_MM)
    for row in table.rows:
        lay.need(FORM_ROW_MM)
        y = pdf.get_y()
        x = LEFT
        for i, w in enumerate(widths):
            pdf.rect(x, y, w, FORM_ROW_MM)
            text = _fit(lay, lay.clean(str(row[i]) if i < len(row) else ""), w - 2 * CELL_PAD)
            tx = x + (w - lay.width(text)) / 2 if i == 0 else x + CELL_PAD * 2
            pdf.text(tx, y + FORM_ROW_MM / 2 + FORM_PT * PT * 0.35, text)
            x += w
        pdf.set_y(y + FORM_ROW_MM)
    pdf.set_y(pdf.get_y() + 3)


def _table(lay: Layout, table: Table) -> None:
    if table.form:
        _form(lay, table)
        return
    pdf = lay.pdf
    size = TABLE_PT
    cols = len(table.header)
    rows = [[lay.clean(str(c)) for c in r] for r in table.rows]
    header = [lay.clean(h) for h in table.header]
    while True:
        pdf.set_font(FAMILY, size=size)
        natural = [max([lay.width(header[i])] + [lay.width(r[i]) for r in rows if i < len(r)]) + 2 * CELL_PAD
                   for i in range(cols)]
        if sum(natural) <= TEXT_W or size <= 8:
            break
        size -= 0.5
    extra = max(0.0, TEXT_W - sum(natural))
    widths = [w + extra / cols for w in natural] if sum(natural) <= TEXT_W else [TEXT_W * w / sum(natural) for w in natural]
    row_h = size * PT * 1.9
    lay.need(row_h * 3 + lay.line_h)
    pdf.set_font(FAMILY, size=12)
    lay.line(lay.clean(table.caption), LEFT, TEXT_W, justify=False, align="C")

    def draw(cells, *, head: bool) -> None:
        pdf.set_font(FAMILY, size=size)
        y = pdf.get_y()
        x = LEFT
        pdf.set_draw_color(0, 0, 0)
        pdf.set_line_width(0.2)
        for i, w in enumerate(widths):
            text = _fit(lay, cells[i] if i < len(cells) else "", w - 2 * CELL_PAD)
            if head:
                pdf.set_fill_color(232, 236, 242)
                pdf.rect(x, y, w, row_h, style="DF")
            else:
                pdf.rect(x, y, w, row_h)
            tw = lay.width(text)
            numeric = i > 0 and not head
            tx = x + w - CELL_PAD - tw if numeric else (x + (w - tw) / 2 if head else x + CELL_PAD)
            pdf.text(tx, y + row_h / 2 + size * PT * 0.35, text)
            x += w
        pdf.set_y(y + row_h)

    draw(header, head=True)
    for r in rows:
        if lay.need(row_h):
            draw(header, head=True)
        draw(r, head=False)
    pdf.set_y(pdf.get_y() + 3)


def _chart(lay: Layout, chart: Chart) -> None:
    from PIL import Image

    pdf = lay.pdf
    with Image.open(io.BytesIO(chart.png)) as img:
        ratio = img.height / img.width
    w = min(chart.width_mm, TEXT_W)
    h = w * ratio
    lay.need(h + lay.line_h)
    y = pdf.get_y()
    pdf.image(io.BytesIO(chart.png), x=LEFT + (TEXT_W - w) / 2, y=y, w=w, h=h)
    pdf.set_y(y + h + 1)
    pdf.set_font(FAMILY, size=12)
    lay.line(lay.clean(chart.caption), LEFT, TEXT_W, justify=False, align="C")


def _block(lay: Layout, block) -> None:
    if isinstance(block, Table):
        _table(lay, block)
    else:
        _chart(lay, block)
