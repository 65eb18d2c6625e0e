"""Batch work (issue 3 §5): the same action on several matters, each its own transaction."""

from __future__ import annotations

from dataclasses import dataclass

from xinfang.core.errors import AppError
from xinfang.matters.services.actions import perform_action


@dataclass
class BatchResult:
    number: str
    ok: bool
    message: str
    title: str = ""


def batch_perform(*, actor, action: str, numbers: list[str], params: dict | None = None,
                  versions: dict[str, int] | None = None) -> list[BatchResult]:
    """Run ``perform_action`` once per matter; one refusal does not stop or undo the others."""
    results = []
    seen = set()
    for number in numbers:
        if number in seen:
            continue
        seen.add(number)
        try:
            matter = perform_action(actor=actor, number=number, action=action, params=dict(params or {}),
                                    expected_version=(versions or {}).get(number))
        except AppError as exc:
            results.append(BatchResult(number=number, ok=False, message=exc.message))
        else:
            results.append(BatchResult(number=number, ok=True, message="成功", title=matter.title))
    return results
