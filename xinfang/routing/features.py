"""What the routing model reads: jieba words of the title and content, and the place as a token."""

from __future__ import annotations

from xinfang.matters.services.search import query_terms_all

PLACE = "属地:"


PURPOSE = "目的:"
LAW_RELATED = "标记:涉法涉诉"


def document(title: str, content: str, region_codes: tuple[str, ...] = (), *, purpose: str = "",
             law_related: bool = False) -> str:
    """One training/prediction document; place, purpose and flags become single tokens that cannot clash
    with words (the first line), the title counts twice."""
    marks = [f"{PLACE}{code}" for code in region_codes if code]
    if purpose:
        marks.append(f"{PURPOSE}{purpose}")
    if law_related:
        marks.append(LAW_RELATED)
    return f"{' '.join(marks)}\n{title}\n{title}\n{content}"


def tokens(doc: str) -> list[str]:
    places, _, text = doc.partition("\n")
    return [*places.split(), *query_terms_all(text)]
