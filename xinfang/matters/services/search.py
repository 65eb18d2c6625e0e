"""Chinese full-text search: jieba segmentation (rjieba) on both SQLite and PostgreSQL.

The matter keeps ``search_text`` (title, content, accused party, number, petitioner names,
lower-cased). A query is segmented into words and every word must occur. On PostgreSQL a
trigram GIN index (migration 0002) serves the ``LIKE '%word%'`` lookups; SQLite scans.
"""

from __future__ import annotations

import re

import rjieba
from django.db.models import Q

STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 被 把 对 向 我 你 他 她 们 有 无 也 都 就 要 请 关于 问题 反映".split())
_PUNCT = re.compile(r"^[\s\W_]+$", re.UNICODE)


def query_terms_all(text: str) -> list[str]:
    """Every meaningful word of a text, in order (the search query and the routing model both read these)."""
    text = (text or "").strip().lower()
    terms: list[str] = []
    for chunk in text.split():
        words = [w for w in rjieba.cut(chunk) if w.strip() and not _PUNCT.match(w)]
        kept = [w for w in words if w not in STOP_WORDS]
        terms.extend(kept or words)
    return terms


def query_terms(q: str) -> list[str]:
    seen: set[str] = set()
    return [t for t in query_terms_all(q) if not (t in seen or seen.add(t))][:12]


def text_filter(q: str) -> Q | None:
    terms = query_terms(q)
    if not terms:
        return None
    condition = Q()
    for term in terms:
        condition &= Q(search_text__contains=term)
    return condition


def build_search_text(*, number: str, title: str, content: str, accused_party: str = "", names=()) -> str:
    parts = [number, title, accused_party, " ".join(n for n in names if n), content]
    return " ".join(p for p in parts if p).lower()[:20000]
