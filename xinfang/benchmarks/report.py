"""Plain-text and Markdown tables of benchmark results."""

from __future__ import annotations


def table(results) -> str:
    lines = [f"{'场景':<40} {'中位数ms':>9} {'最小ms':>8} {'查询':>4} {'结果数':>8}  读取方式（计数查询）"]
    for r in results:
        paths = "; ".join(r.count_paths) if r.count_paths else ""
        lines.append(f"{r.name:<40} {r.median_ms:>9.1f} {r.min_ms:>8.1f} {r.queries:>4} {r.rows!s:>8}  {paths}")
    return "\n".join(lines)


def markdown(results) -> str:
    lines = ["| case | median ms | min ms | queries | rows | matters access (page query) | matters access (count query) |",
             "|---|---:|---:|---:|---:|---|---|"]
    for r in results:
        lines.append(f"| {r.name} | {r.median_ms:.1f} | {r.min_ms:.1f} | {r.queries} | {r.rows} | "
                     f"{'; '.join(r.page_paths)} | {'; '.join(r.count_paths)} |")
    return "\n".join(lines)
