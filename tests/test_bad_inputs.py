"""The corpus of bad inputs under tests/bad_inputs/: each one gets a clear, located answer.

Layout (each case declares its expected stderr beside it, so a reviewer reads both together):

- ``yaml/entities/NAME.yaml``, ``yaml/relations/NAME.yaml``: replaces that file of the mini data
  set (for entity cases relations.yaml becomes ``[]`` so only the case speaks); the expected
  stderr of ``kgraph validate`` is in ``NAME.expected``.
- ``data/NAME/``: files laid over a copy of the mini data set; expected stderr in ``expected.txt``.
- ``queries/NAME.rq``: given to ``kgraph query``; expected stderr in ``NAME.expected``.
  ``127.0.0.1:9`` is rewritten to a local port that records connections, to prove none is made.

The exit code follows from the expectation: 1 when it lists an error, else 0. Set
``KGRAPH_REGOLD=1`` to rewrite the expectations from the current output (then review the diff).
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import MINI, Run

CORPUS = Path(__file__).resolve().parent / "bad_inputs"
REGOLD = os.environ.get("KGRAPH_REGOLD") == "1"
#: A problem line: FILE:LINE:COL: severity: message (line and column from 1).
PROBLEM = re.compile(r"^data/[\w./-]+:[1-9]\d*:[1-9]\d*: (error|warning): \S")


def _cases(folder: str, pattern: str) -> list[Path]:
    return sorted((CORPUS / folder).glob(pattern))


def _normalise(text: str, folder: Path) -> list[str]:
    return text.replace(str(folder) + os.sep, "data/").splitlines()


def _check(run: Run, expected_file: Path, lines: list[str]) -> None:
    """Compare stderr with the declared expectation and derive the exit code from it."""
    if REGOLD:
        expected_file.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert lines == expected, run
    assert "Traceback" not in run.err and "internal error" not in run.err
    failed = any(": error: " in line or line.startswith("error: ") for line in expected)
    assert run.code == (1 if failed else 0), run


def _data_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(MINI, folder)
    return folder


@pytest.mark.parametrize("case", _cases("yaml", "*/*.yaml"), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_yaml_case(cli, tmp_path: Path, case: Path) -> None:
    folder = _data_copy(tmp_path)
    (folder / f"{case.parent.name}.yaml").write_bytes(case.read_bytes())
    if case.parent.name == "entities":
        (folder / "relations.yaml").write_text("[]\n", encoding="utf-8")
    run = cli("validate", data=folder)
    lines = _normalise(run.err, folder)
    _check(run, case.with_suffix(".expected"), lines)
    problems = [line for line in lines if not re.fullmatch(r"\d+ error\(s\) found", line)]
    assert all(PROBLEM.match(line) for line in problems), problems  # every one has file:line:col
    if run.code == 0:
        assert run.out.startswith("ok: ")


@pytest.mark.parametrize("case", [p for p in _cases("data", "*") if p.is_dir()], ids=lambda p: p.name)
def test_data_case(cli, tmp_path: Path, case: Path) -> None:
    folder = _data_copy(tmp_path)
    for item in case.rglob("*"):
        if item.is_file() and item.name != "expected.txt":
            target = folder / item.relative_to(case)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.read_bytes())
    run = cli("validate", data=folder)
    _check(run, case / "expected.txt", _normalise(run.err, folder))


@pytest.mark.parametrize("case", _cases("queries", "*.rq"), ids=lambda p: p.stem)
def test_query_case(cli, tmp_path: Path, recorder, case: Path) -> None:
    local = f"127.0.0.1:{recorder.port}"
    query = tmp_path / case.name
    query.write_bytes(case.read_bytes().replace(b"127.0.0.1:9/", local.encode() + b"/"))
    run = cli("query", str(query))
    lines = run.err.replace(local, "127.0.0.1:9").replace(str(query), case.name).splitlines()
    _check(run, case.with_suffix(".expected"), lines)
    assert run.out == ""
    assert recorder.connections == 0


# Inputs too large to keep as files: built here.


def _entities_with(extra: str) -> str:
    return (MINI / "entities.yaml").read_text(encoding="utf-8") + extra


def test_very_long_string_is_accepted(cli, make_data) -> None:
    label = "Very long name " * 200_000  # 3 MB on one line
    run = cli(
        "validate", data=make_data(entities=_entities_with(f"- id: long\n  type: State\n  label: {label.strip()}\n"))
    )
    assert run.code == 0, run
    assert run.out.startswith("ok: 9 entities")


def test_deep_nesting_is_reported_where_it_goes_too_deep(cli, make_data) -> None:
    deep = "[" * 200 + "]" * 200
    run = cli(
        "validate",
        data=make_data(entities=_entities_with(f"- id: deep\n  type: State\n  label: Deep\n  description: {deep}\n")),
    )
    assert run.code == 1
    assert run.err.splitlines()[:2] == [
        f"{run.err.split(':')[0]}:35:16: error: field 'description' must be text, not a list",
        f"{run.err.split(':')[0]}:35:79: error: YAML nesting is deeper than 64 levels; kgraph records are flat",
    ]


def test_nesting_beyond_the_parser_limit_is_a_located_syntax_error(cli, make_data) -> None:
    deep = "{a: " * 5000 + "}" * 5000
    run = cli("validate", data=make_data(entities=_entities_with(f"- id: deep\n  type: State\n  label: {deep}\n")))
    assert run.code == 1
    assert re.search(r"entities\.yaml:34:\d+: error: YAML syntax error: exceeded maximum nesting depth", run.err)


def test_a_large_alias_bomb_costs_nothing(cli, make_data) -> None:
    import time

    lines = ["- &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"- &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]  # 10**12 if expanded
    started = time.monotonic()
    run = cli("validate", data=make_data(relations="\n".join(lines) + "\n"))
    assert time.monotonic() - started < 10
    assert run.code == 1
    assert len(re.findall(r"error: YAML alias '\*l\d+' is not supported", run.err)) == 110
