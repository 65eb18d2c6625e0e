"""What a rendered official document says, independent of the output format."""

from __future__ import annotations

import datetime as dt
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
    """成文日期 in Chinese numerals (GB/T 9704-2012 7.3.5.1): 二〇二六年十一月二十二日."""
    return f"{chinese_year(day.year)}年{chinese_number(day.month)}月{chinese_number(day.day)}日"


@dataclass
class Table:
    """A table placed in the body where a paragraph reads ``[[key]]`` (reports, figures)."""

    caption: str
    header: list[str]
    rows: list[list[str]]

    def plain_text(self) -> str:
        lines = [self.caption, "\t".join(self.header)]
        lines.extend("\t".join(str(c) for c in row) for row in self.rows)
        return "\n".join(lines)


@dataclass
class Chart:
    """A chart (PNG, rendered server-side) placed where a paragraph reads ``[[key]]``."""

    caption: str
    png: bytes
    width_mm: float = 150.0

    def plain_text(self) -> str:
        return f"〔图〕{self.caption}"


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
    date_text: str  # 成文日期, Chinese numerals
    copy_to: str = ""  # 抄送
    notes: list[str] = field(default_factory=list)  # 附注 lines under the date
    blocks: dict[str, Table | Chart] = field(default_factory=dict)  # tables and charts by ``[[key]]``

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
        parts.extend([self.signature, self.date_text])
        parts.extend(f"（{n}）" for n in self.notes)
        if self.copy_to:
            parts.append(f"抄送：{self.copy_to}")
        return "\n".join(p for p in parts if p)

    def all_characters(self) -> str:
        return self.plain_text() + "— 0123456789（）：〔〕"
