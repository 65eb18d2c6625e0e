"""Charts for the printed reports, rendered server-side as PNG (no browser needed).

matplotlib (Agg) draws them with Noto Sans SC from the same PyPI font package the PDF documents
embed (``pylopdf-fonts-zh-cn``), so the Chinese labels print the same on every machine. The
dashboard in the browser draws its own charts with ECharts from the same figures.
"""

from __future__ import annotations

import io
import threading

_lock = threading.Lock()  # matplotlib's font cache and rc state are process-wide
_family: str | None = None
COLORS = ["#1d4e89", "#b45309", "#15803d", "#b91c1c", "#6d28d9", "#0e7490"]


def _font_family() -> str:
    global _family
    if _family is None:
        import pylopdf_fonts_zh_cn as noto
        from matplotlib import font_manager

        path = str(noto.sans_path())
        font_manager.fontManager.addfont(path)
        _family = font_manager.FontProperties(fname=path).get_name()
    return _family


def _render(draw, width_in: float = 6.4, height_in: float = 3.2) -> bytes:
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    with _lock:
        family = _font_family()
        with matplotlib.rc_context({"font.family": [family], "axes.unicode_minus": False, "font.size": 9}):
            fig = Figure(figsize=(width_in, height_in), dpi=150)
            FigureCanvasAgg(fig)
            ax = fig.add_subplot(1, 1, 1)
            draw(ax)
            ax.spines[["top", "right"]].set_visible(False)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
    return buf.getvalue()


def bar_chart(labels: list[str], series: list[tuple[str, list[float]]], *, ylabel: str = "件") -> bytes:
    """Grouped vertical bars (one group per label)."""

    def draw(ax):
        n = max(len(series), 1)
        width = 0.8 / n
        xs = range(len(labels))
        for i, (name, values) in enumerate(series):
            ax.bar([x + (i - (n - 1) / 2) * width for x in xs], values, width, label=name, color=COLORS[i % len(COLORS)])
        ax.set_xticks(list(xs))
        ax.set_xticklabels(labels, rotation=30 if len(labels) > 6 else 0, ha="right" if len(labels) > 6 else "center")
        ax.set_ylabel(ylabel)
        if len(series) > 1:
            ax.legend(frameon=False)

    return _render(draw)


def line_chart(labels: list[str], series: list[tuple[str, list[float]]], *, ylabel: str = "件") -> bytes:
    def draw(ax):
        for i, (name, values) in enumerate(series):
            ax.plot(labels, values, marker="o", markersize=3, label=name, color=COLORS[i % len(COLORS)])
        ax.set_ylabel(ylabel)
        ax.set_ylim(bottom=0)
        if len(labels) > 8:
            ax.tick_params(axis="x", labelrotation=45)
        if len(series) > 1:
            ax.legend(frameon=False)

    return _render(draw)
