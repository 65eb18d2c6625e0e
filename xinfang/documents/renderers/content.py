"""What a rendered official document says, independent of the output format."""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from dataclasses import dataclass, field

CN_DIGITS = "〇一二三四五六七八九"


def chinese_year(year: int) -> str:
    return "".join(CN_DIGITS[int(d)] for d in str(year))


def chinese_number(n: int) -> str:
    """1..31 as written in dates: 一, 十, 十一, 二十, 二十二, 三十一."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CN_DIGITS[tens] + "十"
    return head + (CN_DIGITS[ones] if ones else "")


def chinese_date(day: dt.date) -> str:
    """A date in Chinese numerals (二〇二六年十一月二十二日): the 1999 format, kept for documents
    issued before GB/T 9704-2012 was applied (their frozen context already holds the text)."""
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


def official_date(day: dt.date) -> str:
    """成文日期 as GB/T 9704-2012 7.3.5.1 prescribes: Arabic numerals, the year in full, no
    leading zero (2026年12月4日)."""
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class Table:
    """A table placed in the body where a paragraph reads ``[[key]]`` (reports, figures)."""

    caption: str
    header: list[str]
    rows: list[list[str]]
    form: bool = False  # a form to fill in by hand (送达回证): left-aligned, tall rows, no header row

    def plain_text(self) -> str:
        lines = [self.caption, "\t".join(self.header)]
        lines.extend("\t".join(str(c) for c in row) for row in self.rows)
        return "\n".join(lines)


@dataclass
class Chart:
    """A chart placed where a paragraph reads ``[[key]]``: its data, drawn as PNG when rendered
    (``renderers/charts.py``), so a document frozen at issue is drawn again from its context."""

    caption: str
    kind: str  # "line" | "bar"
    labels: list[str]
    series: list[tuple[str, list[float]]]
    width_mm: float = 150.0

    def plain_text(self) -> str:
        return f"〔图〕{self.caption}"

    @functools.cached_property
    def png(self) -> bytes:
        from . import charts

        draw = charts.line_chart if self.kind == "line" else charts.bar_chart
        return draw(self.labels, [(name, list(values)) for name, values in self.series])


# Tables and charts travel in the document's frozen ``context`` under this key (JSON text), so the
# renderer that runs after commit composes exactly what was issued.
BLOCKS_KEY = "__blocks__"
# The tracking address a registration receipt prints as a QR code (frozen with the document).
QR_KEY = "__qr__"
# "你" or "你们" in place of the form "你（你们）" (frozen with the document; absent: kept as written).
ADDRESS_KEY = "__addressee__"
ADDRESS_FORM = "你（你们）"


def blocks_to_json(blocks: dict) -> str:
    out = {}
    for key, b in blocks.items():
        if isinstance(b, Table):
            out[key] = {"type": "table", "caption": b.caption, "header": b.header, "rows": b.rows}
            if b.form:
                out[key]["form"] = True
        else:
            out[key] = {"type": "chart", "caption": b.caption, "kind": b.kind, "labels": b.labels,
                        "series": [[name, values] for name, values in b.series], "width_mm": b.width_mm}
    return json.dumps(out, ensure_ascii=False)


def blocks_from_json(text: str | None) -> dict:
    out: dict[str, Table | Chart] = {}
    for key, b in (json.loads(text) if text else {}).items():
        if b["type"] == "table":
            out[key] = Table(b["caption"], b["header"], b["rows"], bool(b.get("form")))
        else:
            out[key] = Chart(b["caption"], b["kind"], b["labels"], [(n, v) for n, v in b["series"]], b["width_mm"])
    return out


BLOCK_MARK = re.compile(r"^\[\[(.{1,20})\]\]$")


def block_key(paragraph: str) -> str | None:
    m = BLOCK_MARK.match(paragraph.strip())
    return m.group(1) if m else None


@dataclass
class DocumentContent:
    """The parts of an official document (GB/T 9704-2012 版头, 主体, 版记)."""

    letterhead: str  # 发文机关标志
    doc_number: str  # 发文字号, e.g. 示信转〔2026〕15号
    title: str  # 标题
    recipient: str  # 主送 (without the colon)
    paragraphs: list[str]  # 正文
    signature: str  # 发文机关署名
    date_text: str  # 成文日期 (official_date: 2026年12月4日)
    copy_to: str = ""  # 抄送
    notes: list[str] = field(default_factory=list)  # 附注 lines under the date
    blocks: dict[str, Table | Chart] = field(default_factory=dict)  # tables and charts by ``[[key]]``
    qr: str = ""  # a URL drawn as a QR code under the body (registration receipt: tracking)

    def body_text(self) -> list[str]:
        out = []
        for p in self.paragraphs:
            key = block_key(p)
            out.append(self.blocks[key].plain_text() if key in self.blocks else p)
        return out

    def plain_text(self) -> str:
        """The document as plain text: what is stored, hashed and searched."""
        parts = [self.letterhead, self.doc_number, self.title]
        if self.recipient:
            parts.append(f"{self.recipient}：")
        parts.extend(self.body_text())
        if self.qr:
            parts.append(self.qr_caption())
        parts.extend([self.signature, self.date_text])
        parts.extend(f"（{n}）" for n in self.notes)
        if self.copy_to:
            parts.append(f"抄送：{self.copy_to}")
        return "\n".join(p for p in parts if p)

    def qr_caption(self) -> str:
        return f"扫码或访问网上信访平台查询办理进度：{self.qr}"

    def all_characters(self) -> str:
        return self.plain_text() + "— 0123456789（）：〔〕"
