"""The project's own lint rules (run by ``./run lint`` and by a test): what must not come back.

* ``Matter.objects`` in views: views reach matters through ``visible_matters`` / ``access_matter``
  or a selector (one access decision).
* raw unit-kind and role strings where the code decides something (``kind == "bureau"``,
  ``kind__in=[...]``, ``has_role("admin")``, ``"auditor" in user.roles``): use ``UnitKind`` / ``Role``
  and the helpers (``Unit.is_bureau``, ``User.in_bureau``, ``xinfang.org.permissions``).
* ``REMOTE_ADDR`` outside ``core/http.py``: use ``core.http.client_ip`` (trusted-proxy aware).
* a matter's ``status`` written anywhere but ``_set_status`` (``matters/services/actions.py``):
  attribute assignment on any variable, ``setattr``, ``update(status=…)`` and ``bulk_update`` with
  ``status`` on matters.
* ``unittest.mock`` outside tests: product code does not patch module attributes; a caller that
  needs the services to behave differently uses an explicit seam (docs/architecture.md "Seams").

``python -m xinfang.core.lint`` prints ``path:line message`` and exits 1 when something is found.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from xinfang.org.choices import Role, UnitKind

UNIT_KINDS = set(UnitKind.values)
ROLES = set(Role.values)

# (relative path, rule) pairs that are allowed, each for a reason.
ALLOWED = {
    # the one place a matter's status is assigned
    ("matters/services/actions.py", "status"),
    # the engine benchmark fabricates a million settled matters with bulk writes (not a product path)
    ("supervision/bench.py", "status"),
    # the trusted-proxy aware reader itself
    ("core/http.py", "remote_addr"),
    # this file names what it looks for
    ("core/lint.py", "remote_addr"),
}
# Models whose own ``status`` the code may set (their services own them).
OTHER_STATUS_OWNERS = {"notification", "job", "row", "run", "record", "task", "self", "hearing", "booking"}


def _is_view(rel: str) -> bool:
    parts = rel.split("/")
    return parts[-1] in ("views.py", "api.py", "api_views.py") or "views" in parts[:-1]


def _strs(node) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [v for elt in node.elts for v in _strs(elt)]
    return []


def _owner(node: ast.expr) -> str:
    return ast.unparse(node).split(".")[-1].split("[")[0].lower()


class Checker(ast.NodeVisitor):
    def __init__(self, rel: str):
        self.rel = rel
        self.found: list[tuple[int, str, str]] = []

    def add(self, node, rule: str, message: str) -> None:
        if (self.rel, rule) not in ALLOWED and not any(f[:2] == (node.lineno, rule) for f in self.found):
            self.found.append((node.lineno, rule, message))

    # ---- status ------------------------------------------------------------------------------
    def _status_target(self, target, node) -> None:
        if isinstance(target, ast.Attribute) and target.attr == "status":
            owner = _owner(target.value)
            if owner not in OTHER_STATUS_OWNERS:
                self.add(node, "status", f"{ast.unparse(target)} assigned outside _set_status")

    def visit_Assign(self, node):
        for target in node.targets:
            self._status_target(target, node)
        self.generic_visit(node)

    def visit_AugAssign(self, node):
        self._status_target(node.target, node)
        self.generic_visit(node)

    def visit_AnnAssign(self, node):
        self._status_target(node.target, node)
        self.generic_visit(node)

    def visit_Call(self, node):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name == "setattr" and len(node.args) >= 2 and _strs(node.args[1]) == ["status"]:
            if _owner(node.args[0]) not in OTHER_STATUS_OWNERS:
                self.add(node, "status", f"setattr({ast.unparse(node.args[0])}, 'status', …) outside _set_status")
        if isinstance(func, ast.Attribute) and name in ("update", "bulk_update"):
            chain = ast.unparse(func.value)
            matterish = "matter" in chain.lower() or chain in ("m", "qs")
            fields = [v for a in node.args[1:] for v in _strs(a)] + [v for k in node.keywords if k.arg == "fields"
                                                                     for v in _strs(k.value)]
            if matterish and (any(k.arg == "status" for k in node.keywords) or "status" in fields):
                self.add(node, "status", f"{chain}.{name}(status…) outside _set_status")
        if name == "has_role":
            for arg in node.args:
                for value in _strs(arg):
                    if value in ROLES:
                        self.add(node, "role", f'raw role string "{value}": use Role')
        for kw in node.keywords:
            if kw.arg and (kw.arg == "kind" or kw.arg.endswith("__kind") or kw.arg.endswith("kind__in")):
                self._unit_kinds(kw.value, node)
        self.generic_visit(node)

    # ---- unit kinds and roles -----------------------------------------------------------------
    def _unit_kinds(self, value, node) -> None:
        for s in _strs(value):
            if s in UNIT_KINDS:
                self.add(node, "unit_kind", f'raw unit kind "{s}": use UnitKind')

    def _kind_collection(self, values: list[str], node) -> None:
        if len(values) >= 2 and all(v in UNIT_KINDS for v in values):
            self.add(node, "unit_kind", f"raw unit kinds {sorted(values)}: use UnitKind (org.choices)")

    def visit_List(self, node):
        self._kind_collection(_strs(node), node)
        self.generic_visit(node)

    visit_Tuple = visit_List
    visit_Set = visit_List

    def visit_Dict(self, node):
        self._kind_collection([v for k in node.keys if k is not None for v in _strs(k)], node)
        self.generic_visit(node)

    def visit_Compare(self, node):
        sides = [node.left, *node.comparators]
        texts = [ast.unparse(s) for s in sides]
        if any(t.endswith(".kind") or t == "kind" for t in texts):
            for s in sides:
                self._unit_kinds(s, node)
        if any("role" in t.lower() for t in texts):
            for s in sides:
                for value in _strs(s):
                    if value in ROLES:
                        self.add(node, "role", f'raw role string "{value}": use Role')
        self.generic_visit(node)

    # ---- REMOTE_ADDR and Matter.objects ------------------------------------------------------
    def visit_Constant(self, node):
        if node.value == "REMOTE_ADDR":
            self.add(node, "remote_addr", "REMOTE_ADDR: use xinfang.core.http.client_ip")

    def visit_Import(self, node):
        if any(a.name == "unittest.mock" or a.name.startswith("unittest.mock.") for a in node.names):
            self.add(node, "mock", "unittest.mock in product code: use an explicit seam, never a patch")

    def visit_ImportFrom(self, node):
        module = node.module or ""
        if module.startswith("unittest.mock") or (module == "unittest" and any(a.name == "mock" for a in node.names)):
            self.add(node, "mock", "unittest.mock in product code: use an explicit seam, never a patch")

    def visit_Attribute(self, node):
        if node.attr == "objects" and isinstance(node.value, ast.Name) and node.value.id == "Matter" \
                and _is_view(self.rel):
            self.add(node, "matter_objects", "Matter.objects in a view: use visible_matters / access_matter")
        self.generic_visit(node)


def check_source(source: str, rel: str) -> list[tuple[int, str, str]]:
    checker = Checker(rel)
    checker.visit(ast.parse(source))
    return checker.found


def check(root: Path) -> list[str]:
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in f"/{rel}" or rel.startswith("testing/"):
            continue
        for line, _rule, message in check_source(path.read_text(encoding="utf-8"), rel):
            out.append(f"xinfang/{rel}:{line} {message}")
    return out


def main() -> int:
    problems = check(Path(__file__).resolve().parent.parent)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
