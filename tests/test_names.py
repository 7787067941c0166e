"""Names in the package: each word means one thing, and nothing is defined that nothing uses.

"check" names the curators' checks (``queries/checks/``, checks.py) and the ``kgraph check``
command that runs them, nothing else: what is known about a query before the graph is built is its
*preflight* (``PreparedQuery.preflight``, ``engine.preflight``, ``params.preflight``), the graph
against the SHACL shapes is *validated* (``shapes.validate``, like the data in validate.py).
``check_url``-style helpers keep the verb with its object.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import SRC, walked

#: The modules of the curators' checks: the only ones whose definitions may be called plain "check".
CHECK_MODULES = {"checks.py", "cli/check_commands.py"}
#: Called by a framework or by Python itself, never by name in kgraph's code.
HOOKS = {
    "writable",  # io.RawIOBase
    "on_broken_pipe",  # rich.Console
    "log_message",  # http.server.BaseHTTPRequestHandler
    "http_error_401",  # urllib.request handlers
    "http_open",
    "https_open",
    "main_options",  # the Typer callback, registered by its decorator
}


def _definitions(path: Path) -> list[ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]:
    return [n for n in walked(path) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def _docstrings(path: Path) -> set[int]:
    """The ids of the docstring nodes: a name used only in a docstring's example is not used."""
    found = set()
    for node in walked(path):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def uses(package: Path) -> dict[str, int]:
    """How often each identifier occurs in the package's code: names, attributes, and the words of
    string constants (the format registry names its writers as ``"module:function"``)."""
    counts: dict[str, int] = {}
    for path in sorted(package.rglob("*.py")):
        skipped = _docstrings(path)
        for node in walked(path):
            words: list[str] = []
            if isinstance(node, ast.Name):
                words = [node.id]
            elif isinstance(node, ast.Attribute):
                words = [node.attr]
            elif isinstance(node, ast.alias):  # from m import f as g: f is used
                words = node.name.split(".")
            elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skipped:
                words = re.findall(r"\w+", node.value)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                words = [n.id for d in node.decorator_list for n in ast.walk(d) if isinstance(n, ast.Name)]
            for word in words:
                counts[word] = counts.get(word, 0) + 1
    return counts


def dead(package: Path) -> list[str]:
    """Functions, methods and classes that no code in the package names (tests do not count)."""
    counts = uses(package)
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in _definitions(path):
            name = node.name
            if name.startswith(("__", "do_")) or name in HOOKS:
                continue
            if counts.get(name, 0) == 0:
                found.append(f"{path.relative_to(package.parent)}:{node.lineno}: {name}")
    return found


def test_check_names_only_the_curators_checks() -> None:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        module = path.relative_to(SRC).as_posix()
        if module in CHECK_MODULES:
            continue
        if "check" in path.stem:
            found.append(module)
        found += [f"{module}:{n.lineno}: {n.name}" for n in _definitions(path) if n.name == "check"]
    assert found == []


def test_nothing_is_defined_that_nothing_uses() -> None:
    assert dead(SRC) == []


def test_the_dead_code_finder_can_fail(tmp_path: Path) -> None:
    package = tmp_path / "kgraph"
    package.mkdir()
    (package / "a.py").write_text(
        'def used():\n    """>>> unused()"""\n\n\ndef unused():\n    return used()\n\n\n'
        'class Thing:\n    def method(self):\n        return "b:registered"\n'
    )
    (package / "b.py").write_text("def registered():\n    return None\n")
    assert dead(package) == ["kgraph/a.py:5: unused", "kgraph/a.py:9: Thing", "kgraph/a.py:10: method"]
