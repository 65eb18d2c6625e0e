"""The project's own lint rules hold for the code base, catch what they are meant to catch, and no
module imports itself back through others (a walk of every import, including ones inside
functions)."""

import ast
from pathlib import Path

import pytest

from xinfang.core import lint

ROOT = Path(lint.__file__).resolve().parent.parent


def test_the_code_base_passes_the_lint_rules():
    assert lint.check(ROOT) == []


@pytest.mark.parametrize(("source", "rel", "rule"), [
    ("m.status = 'closed'", "matters/services/x.py", "status"),
    ("case.status = State.CLOSED", "workbench/x.py", "status"),
    ("setattr(matter, 'status', 'closed')", "supervision/x.py", "status"),
    ("Matter.objects.filter(pk=1).update(status='closed')", "supervision/x.py", "status"),
    ("Matter.objects.bulk_update(rows, ['status'])", "demo/x.py", "status"),
    ("qs.bulk_update(rows, fields=['status', 'closed_at'])", "demo/x.py", "status"),
    ("Matter.objects.filter(pk=1)", "workbench/views/x.py", "matter_objects"),
    ("Matter.objects.get(pk=1)", "supervision/api_views.py", "matter_objects"),
    ("ip = request.META.get('REMOTE_ADDR')", "documents/api.py", "remote_addr"),
    ("ok = unit.kind == 'bureau'", "portal/x.py", "unit_kind"),
    ("Unit.objects.filter(kind__in=['town', 'department'])", "org/x.py", "unit_kind"),
    ("Unit.objects.exclude(unit__kind='external')", "org/x.py", "unit_kind"),
    ("KINDS = ('town', 'department')", "org/x.py", "unit_kind"),
    ("user.has_role('admin')", "workbench/x.py", "role"),
    ("ok = 'auditor' in user.roles", "workbench/x.py", "role"),
    ("from unittest import mock", "demo/generator/x.py", "mock"),
    ("from unittest.mock import patch", "benchmarks/x.py", "mock"),
    ("import unittest.mock", "matters/services/x.py", "mock"),
])
def test_each_rule_catches_its_pattern(source, rel, rule):
    assert [r for _, r, _ in lint.check_source(source, rel)] == [rule]


@pytest.mark.parametrize(("source", "rel"), [
    ("notification.status = Status.SENT", "notifications/services.py"),
    ("ExportJob.objects.filter(pk=1).update(status='running')", "workbench/services/exports.py"),
    ("visible_matters(user).filter(status=State.CLOSED)", "workbench/views/x.py"),
    ("Matter.objects.filter(pk=1)", "matters/selectors.py"),
    ("ok = unit.kind == UnitKind.BUREAU", "portal/x.py"),
    ("target = 'bureau'", "notifications/x.py"),
])
def test_what_the_rules_allow(source, rel):
    assert lint.check_source(source, rel) == []


def _modules() -> dict[str, Path]:
    out = {}
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT.parent)
        if "migrations" in rel.parts or "tests" in rel.parts or rel.stem == "tasks":
            continue  # Celery task modules are entry points: the worker imports them, the code enqueues them
        name = ".".join(rel.with_suffix("").parts)
        out[name.removesuffix(".__init__")] = path
    return out


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, *([node.module] if node.module else [])])
            for a in node.names:
                sub = f"{base}.{a.name}"
                found.add(sub if sub in modules else base)  # `from pkg import module` needs only the module
    return {m for m in found if m in modules and m != name and not name.startswith(m + ".")}


def test_no_import_cycles():
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    cycles, index, low, stack, on_stack = [], {}, {}, [], set()

    def visit(v):  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    assert cycles == []
