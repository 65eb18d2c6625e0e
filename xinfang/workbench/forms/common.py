"""Shared form helpers: mapping service errors (InvalidInput.fields) onto form fields."""

from __future__ import annotations

import re

from django import forms

from xinfang.core.errors import AppError

_INDEXED = re.compile(r"^(?P<name>[a-z_]+)\[(?P<index>\d+)\]\.(?P<field>[a-z_]+)$")


def pickers(form: forms.BaseForm, *names: str) -> None:
    """Mark choice fields as searchable pickers (static/workbench/pickers.js: filter by name or code,
    keyboard only); the <select> still posts the same value without JavaScript."""
    for name in names:
        if name in form.fields:
            form.fields[name].widget.attrs["data-picker"] = "1"


def apply_error(form: forms.BaseForm, error: AppError, *, aliases: dict[str, str] | None = None) -> None:
    """Attach a service error to the form: each named field gets its message, the rest is general."""
    aliases = aliases or {}
    placed = False
    for key, messages in (error.fields or {}).items():
        name = aliases.get(key, key)
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed:
        form.add_error(None, error.message)


def indexed_field(key: str) -> tuple[str, int, str] | None:
    """``petitioners[2].id_number`` → ("petitioners", 2, "id_number")."""
    match = _INDEXED.match(key)
    if not match:
        return None
    return match["name"], int(match["index"]), match["field"]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
