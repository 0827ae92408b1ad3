"""User-facing text is translated for each request: no eager gettext at import time, no f-string errors.

These read the source: a message translated at import time is fixed in the language active then,
and an f-string never reaches the translation catalogue.
"""

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src" / "sprintlab"
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}
ERRORS = {"ServiceError", "Conflict", "PermissionDeniedError", "ValidationError", "TooManyRequests"}


def _modules():
    for path in sorted(SRC.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path.relative_to(SRC.parent), ast.parse(path.read_text(), filename=str(path))


def _eager_names(tree: ast.Module) -> set[str]:
    return {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER
    }


def _import_time_nodes(body):
    """Everything that runs on import: module and class bodies, not function bodies."""
    for statement in body:
        if isinstance(statement, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(statement, ast.ClassDef):
            yield from statement.decorator_list
            yield from _import_time_nodes(statement.body)
            continue
        stack = [statement]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                continue
            yield node
            stack.extend(ast.iter_child_nodes(node))


def test_no_module_translates_eagerly_at_import_time():
    found = []
    for path, tree in _modules():
        eager = _eager_names(tree)
        for node in _import_time_nodes(tree.body):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
                found.append(f"{path}:{node.lineno}")
    assert not found, f"Use gettext_lazy for text built at import time: {found}"


def _has_words(node: ast.JoinedStr) -> bool:
    return any(isinstance(part, ast.Constant) and any(c.isalpha() for c in part.value) for part in node.values)


def test_error_messages_are_translatable():
    """Messages given to errors are gettext calls; an f-string may only join translated parts."""
    found = []
    for path, tree in _modules():
        for call in ast.walk(tree):
            name = getattr(call.func, "id", getattr(call.func, "attr", None)) if isinstance(call, ast.Call) else None
            if name not in ERRORS:
                continue
            for node in ast.walk(call):
                if isinstance(node, ast.JoinedStr) and _has_words(node):
                    found.append(f"{path}:{node.lineno}")
    assert not found, f"Translate error messages with gettext and %-placeholders: {found}"
