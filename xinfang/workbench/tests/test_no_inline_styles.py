"""Strict CSP: no template carries an inline ``style=`` attribute (classes in app.css / portal.css instead)."""

from pathlib import Path

import xinfang

ROOT = Path(xinfang.__file__).parent
CLEAN = ["."]  # every app's templates


def test_no_inline_style_attributes():
    files = []
    for entry in CLEAN:
        path = ROOT / entry
        files += sorted(path.rglob("*.html")) if path.is_dir() else [path]
    assert len(files) > 150
    offending = [f"{f.relative_to(ROOT)}:{n}" for f in files
                 for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1) if 'style="' in line]
    assert offending == []
