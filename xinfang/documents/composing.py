"""Filling a template into a document's content (pure: no rendering, no numbering). Used when a
document is issued (``services``, which re-exports it), previewed and rendered after commit."""

from __future__ import annotations

from . import placeholders
from .choices import DocType
from .models import DocumentTemplate
from .renderers.content import (
    ADDRESS_FORM,
    ADDRESS_KEY,
    BLOCKS_KEY,
    QR_KEY,
    DocumentContent,
    blocks_from_json,
)

# Forms that name their addressee inside (送达回证: 受送达人) print no 主送 line.
NO_RECIPIENT_LINE = frozenset({DocType.DELIVERY_RECEIPT.value})


def compose(template: DocumentTemplate, values: dict[str, str], *, issuing_unit_name: str,
            doc_number: str, recipient: str, date_text: str) -> DocumentContent:
    """Fill the template; a placeholder without a value raises KeyError(name).

    The form "你（你们）" of the wording reads "你" when the frozen values say the matter has
    one petitioner (``ADDRESS_KEY``); documents issued before that value existed keep the form.
    """
    addressee = values.get(ADDRESS_KEY)

    def address(text: str) -> str:
        return text.replace(ADDRESS_FORM, addressee) if addressee else text

    def f(text: str) -> str:
        return address(placeholders.fill(text, values))

    return DocumentContent(
        letterhead=f(template.letterhead),
        doc_number=doc_number,
        title=f(template.title),
        recipient="" if template.doc_type in NO_RECIPIENT_LINE else recipient,
        paragraphs=[address(p) for p in placeholders.fill_lines(template.body, values)],
        signature=issuing_unit_name,
        date_text=date_text,
        copy_to=f(template.copy_to),
        notes=[address(n) for n in placeholders.fill_lines(template.notes, values)],
        blocks=blocks_from_json(values.get(BLOCKS_KEY)),  # a report's tables and charts (frozen with it)
        qr=values.get(QR_KEY) or "",
    )
