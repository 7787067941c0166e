"""One did-you-mean and one comment-header reader, used the same way by every command."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

from kgraph.suggest import closest, did_you_mean

from conftest import DATA, ROOT, SRC, run_cli, walked


def test_case_initials_then_spelling() -> None:
    names = {"south-korea": "south-korea", "Republic of Korea": "south-korea", "North Korea": "north-korea"}
    assert closest("SOUTH-KOREA", names) == ["south-korea"]
    assert closest("rok", names) == ["south-korea"]
    assert closest("nort korea", names) == ["north-korea"]
    assert did_you_mean("qwxz", names) == ""


def test_a_named_query_is_suggested_whatever_its_case() -> None:
    """Before, named queries had a difflib copy of their own, case-sensitive: no suggestion at all."""
    run = run_cli("query", "TREATIES", "-f", "csv", data=DATA)
    assert run.code == 1
    assert "no named query 'TREATIES'" in run.err and "(did you mean treaties" in run.err, run


def test_only_suggest_py_matches_names_by_spelling() -> None:
    """difflib's get_close_matches is called in one module: the others ask kgraph.suggest."""
    callers = sorted(
        str(path.relative_to(SRC))
        for path in SRC.rglob("*.py")
        if any(isinstance(node, ast.Attribute) and node.attr == "get_close_matches" for node in walked(path))
    )
    assert callers == ["suggest.py"]


def test_a_check_header_may_follow_blank_lines(tmp_path: Path) -> None:
    """Checks read their header like named queries and parameters do (sparqlscan.comment_header):
    blank lines before it are skipped. Before, a check starting with a blank line had 'no severity'."""
    shutil.copytree(DATA, tmp_path / "data")
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    (tmp_path / "queries" / "checks" / "spaced.rq").write_text(
        "\n\n# A relation with an empty quote.\n\n# severity: warn\n"
        "SELECT ?s WHERE { ?s <http://example.org/never> ?o }\n",
        encoding="utf-8",
    )
    run = run_cli("check", data=tmp_path / "data")
    assert run.code == 0, run
    assert "spaced" in run.out + run.err and "severity" not in run.err, run
