"""No module but the vocabulary loader names a type or predicate: they are project data.

The names come from the shipped politics vocabulary (which includes core). A string literal in
src/kgraph that is one of them, or that mentions a camel-case predicate id (``leaderOf``) anywhere,
fails the test; words that are also plain English (``met``, ``signed``) count only as whole
literals, so prose in docstrings does not trip it. ``cites`` is left out: besides core's predicate
it is a field of every relation (the works a claim is attributed to) and kgraph's kg:cites; and
so are the claim statuses of kgraph's own model (``proposed`` is also politics' predicate).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kgraph.vocab import META_PROPERTIES, STATUSES
from kgraph.vocabulary import packaged

from conftest import SRC, walked

#: The one module that may name kgraph's own types (Thing, the root; Publication, the sources).
LOADER = "vocabulary.py"


def _literals(path: Path) -> list[tuple[int, str]]:
    return [
        (node.lineno, node.value)
        for node in walked(path)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]


def offenders(src: Path) -> list[str]:
    politics = packaged("politics")
    names = (set(politics.types) | set(politics.predicates)) - set(META_PROPERTIES) - set(STATUSES)
    camel = sorted(n for n in politics.predicates if re.search(r"[a-z][A-Z]", n))
    pattern = re.compile(r"\b(" + "|".join(camel) + r")\b")
    found = []
    for path in sorted(src.rglob("*.py")):
        if path == src / LOADER:
            continue
        for line, value in _literals(path):
            if value.strip() in names or pattern.search(value):
                found.append(f"{path.relative_to(src.parent)}:{line}: {value.strip()[:60]!r}")
    return found


def test_no_module_outside_the_loader_names_the_vocabulary() -> None:
    assert offenders(SRC) == []


def test_the_check_would_catch_a_hard_coded_name(tmp_path: Path) -> None:
    """The test can fail: a module comparing a type name to a literal is found."""
    fake = tmp_path / "kgraph"
    fake.mkdir()
    (fake / "bad.py").write_text('def f(t):\n    return t == "Treaty" or "x leaderOf y"\n')
    (fake / LOADER).write_text('ROOT = "Thing"\n')
    assert sorted(offenders(fake)) == ["kgraph/bad.py:2: 'Treaty'", "kgraph/bad.py:2: 'x leaderOf y'"]
