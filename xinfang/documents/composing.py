"""Filling a template into a document's content (pure: no rendering, no numbering). Used when a
document is issued (``services``, which re-exports it), previewed and rendered after commit."""

from __future__ import annotations

from . import placeholders
from .models import DocumentTemplate
from .renderers.content import BLOCKS_KEY, DocumentContent, blocks_from_json


def compose(template: DocumentTemplate, values: dict[str, str], *, issuing_unit_name: str,
            doc_number: str, recipient: str, date_text: str) -> DocumentContent:
    """Fill the template; a placeholder without a value raises KeyError(name)."""

    def f(text: str) -> str:
        return placeholders.fill(text, values)

    return DocumentContent(
        letterhead=f(template.letterhead),
        doc_number=doc_number,
        title=f(template.title),
        recipient=recipient,
        paragraphs=placeholders.fill_lines(template.body, values),
        signature=issuing_unit_name,
        date_text=date_text,
        copy_to=f(template.copy_to),
        notes=placeholders.fill_lines(template.notes, values),
        blocks=blocks_from_json(values.get(BLOCKS_KEY)),  # a report's tables and charts (frozen with it)
    )
