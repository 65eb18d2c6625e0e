from pathlib import Path

from django.conf import settings

from xinfang.matters.docs import workflow_markdown


def test_workflow_doc_is_generated_from_the_table():
    path = Path(settings.BASE_DIR) / "docs" / "workflow.md"
    assert path.read_text(encoding="utf-8") == workflow_markdown(), "run: python manage.py workflow_doc"


def test_matter_status_is_assigned_only_by_the_action_service():
    """style.md: a matter's `status` is assigned nowhere but `_set_status` in services/actions.py."""
    import ast

    root = Path(settings.BASE_DIR) / "xinfang"
    offenders = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign | ast.AnnAssign) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "status":
                    owner = ast.unparse(target.value)
                    if "matter" in owner.lower() or owner == "m":
                        offenders.append(f"{path.relative_to(root)}:{node.lineno} {owner}.status")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                chain = ast.unparse(node.func.value)
                if "Matter" in chain and any(k.arg == "status" for k in node.keywords):
                    offenders.append(f"{path.relative_to(root)}:{node.lineno} {chain}.update(status=...)")
    assert offenders == ["matters/services/actions.py:%d matter.status" % _set_status_line()]


def _set_status_line() -> int:
    import inspect

    from xinfang.matters.services import actions

    source, start = inspect.getsourcelines(actions._set_status)
    return start + next(i for i, line in enumerate(source) if "matter.status = " in line)
