"""The embedded Chinese font: one small TrueType font built per document from Noto Serif SC.

The source font (Noto Serif SC, SIL OFL, from the PyPI package ``pylopdf-fonts-zh-cn``) is an
11 MB CFF OpenType font with 65,535 glyphs: letting fpdf2 parse and subset it costs about a
second per document. Instead, each process opens the source once, converts the outlines of the
characters it meets to TrueType quadratic outlines (cached per character for the life of the
process) and, for every document, builds a tiny TrueType font holding exactly the characters
that document uses. fpdf2 then embeds that font (subset again, at no real cost).

Characters the source font lacks (CJK Extension B and beyond, e.g. 𠀀) are looked up in Noto Sans
SC, then replaced by the geta mark 〓 (the Chinese typesetting convention for a missing glyph) in
the PDF only; the stored text and the DOCX keep the original character and the document records
which characters were replaced.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont, newTable
from fontTools.ttLib.tables._g_l_y_f import Glyph

MISSING_MARK = "〓"
FAMILY = "XinfangSerif"


def _source_paths() -> list[Path]:
    import pylopdf_fonts_zh_cn as noto

    return [Path(noto.serif_path()), Path(noto.sans_path())]


@dataclass(frozen=True)
class _Glyph:
    data: bytes  # compiled TrueType glyph (never expanded again: shared between documents)
    advance: int
    lsb: int
    bbox: tuple[int, int, int, int]


class GlyphStore:
    """Per-process cache of converted glyphs from the source fonts (thread-safe)."""

    def __init__(self, paths: list[Path] | None = None):
        self._paths = paths
        self._fonts: list[tuple[TTFont, dict, object, object]] | None = None
        self._glyphs: dict[int, _Glyph | None] = {}
        self._lock = threading.Lock()
        self.metrics: dict[str, int] = {}

    def _open(self) -> list[tuple[TTFont, dict, object, object]]:
        if self._fonts is None:
            fonts = []
            for path in self._paths or _source_paths():
                font = TTFont(str(path), lazy=True)
                fonts.append((font, font.getBestCmap(), font.getGlyphSet(), font["hmtx"]))
            first = fonts[0][0]
            self.metrics = {
                "upem": first["head"].unitsPerEm,
                "ascent": first["hhea"].ascent,
                "descent": first["hhea"].descent,
                "typo_ascender": first["OS/2"].sTypoAscender,
                "typo_descender": first["OS/2"].sTypoDescender,
                "win_ascent": first["OS/2"].usWinAscent,
                "win_descent": first["OS/2"].usWinDescent,
            }
            self._fonts = fonts
        return self._fonts

    def _convert(self, code: int) -> _Glyph | None:
        for _font, cmap, glyphset, hmtx in self._fonts or []:
            name = cmap.get(code)
            if name is None:
                continue
            pen = TTGlyphPen(None)
            glyphset[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
            glyph = pen.glyph()
            advance, _ = hmtx[name]
            if glyph.numberOfContours == 0:
                return _Glyph(b"", advance, 0, (0, 0, 0, 0))
            glyph.recalcBounds(None)
            data = glyph.compile(None, recalcBBoxes=False)
            return _Glyph(data, advance, glyph.xMin, (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax))
        return None

    def glyphs(self, codes: set[int]) -> dict[int, _Glyph | None]:
        with self._lock:
            self._open()
            out = {}
            for code in codes:
                if code not in self._glyphs:
                    self._glyphs[code] = self._convert(code)
                out[code] = self._glyphs[code]
            return out

    def covers(self, text: str) -> set[str]:
        """The characters of ``text`` that no source font has."""
        codes = {ord(ch) for ch in text if not ch.isspace()}
        found = self.glyphs(codes)
        return {chr(c) for c, g in found.items() if g is None}


_store = GlyphStore()


def store() -> GlyphStore:
    return _store


@dataclass
class DocumentFont:
    data: bytes  # a TrueType font with exactly the glyphs this document needs
    missing: set[str]  # characters drawn as 〓
    advances: dict[str, float]  # character → advance width in em (for line breaking)


def _notdef(upem: int) -> _Glyph:
    pen = TTGlyphPen(None)
    pen.moveTo((50, 0))
    pen.lineTo((50, 800))
    pen.lineTo((upem - 50, 800))
    pen.lineTo((upem - 50, 0))
    pen.closePath()
    glyph = pen.glyph()
    glyph.recalcBounds(None)
    return _Glyph(glyph.compile(None, recalcBBoxes=False), upem, 50, (50, 0, upem - 50, 800))


def build_font(text: str) -> DocumentFont:
    """A TrueType font (bytes) covering every character of ``text`` (missing ones → 〓)."""
    codes = {ord(ch) for ch in text if ch not in "\n\r\t"} | {0x20, ord(MISSING_MARK), ord("0")}
    found = _store.glyphs(codes)
    missing = {chr(c) for c, g in found.items() if g is None and not chr(c).isspace()}
    m = _store.metrics
    upem = m["upem"]
    entries: list[tuple[str, _Glyph]] = [(".notdef", _notdef(upem))]
    cmap: dict[int, str] = {}
    for code in sorted(found):
        g = found[code]
        if g is not None:
            name = f"u{code:04X}"
            entries.append((name, g))
            cmap[code] = name
    order = [name for name, _ in entries]
    fb = FontBuilder(upem, isTTF=True)
    fb.font.recalcBBoxes = False  # glyphs are precompiled; the font-wide box is set below
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {name: Glyph(g.data) for name, g in entries}
    fb.font["loca"] = newTable("loca")
    fb.font["glyf"] = glyf
    fb.setupHorizontalMetrics({name: (g.advance, g.lsb) for name, g in entries})
    fb.setupHorizontalHeader(ascent=m["ascent"], descent=m["descent"])
    fb.setupNameTable({"familyName": FAMILY, "styleName": "Regular"})
    fb.setupOS2(
        sTypoAscender=m["typo_ascender"], sTypoDescender=m["typo_descender"], sTypoLineGap=0,
        usWinAscent=m["win_ascent"], usWinDescent=m["win_descent"], fsType=0,
    )
    fb.setupPost()
    fb.setupMaxp()
    boxes = [g.bbox for _, g in entries if g.data]
    head = fb.font["head"]
    head.xMin = min(b[0] for b in boxes)
    head.yMin = min(b[1] for b in boxes)
    head.xMax = max(b[2] for b in boxes)
    head.yMax = max(b[3] for b in boxes)
    hhea = fb.font["hhea"]
    hhea.advanceWidthMax = max(g.advance for _, g in entries)
    hhea.minLeftSideBearing = min((g.lsb for _, g in entries if g.data), default=0)
    hhea.minRightSideBearing = min((g.advance - g.bbox[2] for _, g in entries if g.data), default=0)
    hhea.xMaxExtent = max((g.bbox[2] for _, g in entries if g.data), default=0)
    buf = io.BytesIO()
    fb.save(buf)
    advances = {chr(code): g.advance / upem for code, g in found.items() if g is not None}
    return DocumentFont(buf.getvalue(), missing, advances)
