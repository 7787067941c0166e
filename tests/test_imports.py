"""The package's import graph has no cycles.

Every ``import`` counts, also those inside functions (kgraph imports heavy modules late, and a
late import is still a dependency: ``cli/app.py``, ``cli/fastquery.py`` and ``cli/typer_app.py``
imported each other for the exit codes). Only imports under ``if TYPE_CHECKING:`` are left out:
they never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import SRC, walked


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(path: Path) -> set[int]:
    """The ids of the nodes under ``if TYPE_CHECKING:``."""
    skipped: set[int] = set()
    for node in walked(path):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for child in node.body:
                skipped.update(id(sub) for sub in ast.walk(child))
    return skipped


def import_graph(package: Path) -> dict[str, set[str]]:
    """Module name -> the package's own modules it imports (anywhere in its code)."""
    root = package.parent
    files = {_module_name(path, root): path for path in sorted(package.rglob("*.py"))}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, path in files.items():
        skipped = _type_checking_only(path)
        for node in walked(path):
            if id(node) in skipped:
                continue
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    here = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                    base = ".".join(here[: len(here) - node.level + 1] + ([base] if base else []))
                # ``from kgraph.cli import app`` names a module; ``from kgraph.errors import X`` does not.
                targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in files else base for alias in node.names]
            graph[name].update(t for t in targets if t in files and t != name)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan), as module names."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(_a_cycle_in(sorted(group), graph))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _a_cycle_in(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the group's first module back to itself, for the message."""
    start = group[0]
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(graph[node] & set(group)):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(f"no cycle in {group}")


def test_the_package_has_no_import_cycles() -> None:
    graph = import_graph(SRC)
    assert len(graph) > 50  # every module was read
    assert cycles(graph) == [], "\n".join(" -> ".join(c) for c in cycles(graph))


def test_a_planted_cycle_is_found(tmp_path: Path) -> None:
    """The check can fail: a late import back to the importer is a cycle, a TYPE_CHECKING one is not."""
    package = tmp_path / "kgraph"
    (package / "cli").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "cli" / "__init__.py").write_text("")
    (package / "errors.py").write_text("class KgraphError(Exception): pass\n")
    (package / "cli" / "app.py").write_text(
        "from kgraph.errors import KgraphError\ndef main():\n    from kgraph.cli import fast\n"
    )
    (package / "cli" / "fast.py").write_text(
        "TYPE_CHECKING = False\nif TYPE_CHECKING:\n    from kgraph.errors import KgraphError\n"
    )
    assert cycles(import_graph(package)) == []
    (package / "errors.py").write_text("def hint():\n    from .cli.fast import run\n")
    (package / "cli" / "fast.py").write_text("from ..cli import app\n")
    assert cycles(import_graph(package)) == [["kgraph.cli.app", "kgraph.cli.fast", "kgraph.cli.app"]]
    (package / "cli" / "app.py").write_text("import kgraph.errors\n")
    assert cycles(import_graph(package)) == [["kgraph.cli.app", "kgraph.errors", "kgraph.cli.fast", "kgraph.cli.app"]]


def test_test_modules_import_helpers_not_each_other() -> None:
    """Shared test helpers live in conftest.py, servers.py and browser.py; a test module importing
    another runs (or hides) that module's tests twice."""
    tests = Path(__file__).resolve().parent
    modules = {path.stem for path in tests.rglob("test_*.py")}
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        for node in walked(path):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            found += [f"{path.name} imports {name}" for name in names if name.split(".")[-1] in modules]
            # ``tests.conftest`` is a second copy of conftest, and importable only when the
            # working folder is on sys.path (``python -m pytest``, not ``pytest``).
            found += [f"{path.name} imports {name}" for name in names if name.split(".")[0] == "tests"]
    assert found == []
