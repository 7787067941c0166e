"""The pictures under docs/ are what the commands the README prints make from the bundled data."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT, integration, run_cli

COMMANDS = re.findall(
    r"\(`(kgraph (?:draw|timeline) [^`]*-o (docs/[^` ]+\.svg))`", (ROOT / "README.md").read_text(encoding="utf-8")
)


def _texts(svg: str) -> list[str]:
    """What a reader sees and hovers over, not where Graphviz's version puts it."""
    return sorted(re.findall(r"<(?:text|title)[^>]*>([^<]*)<", svg))


def test_the_readme_prints_the_commands_of_its_pictures() -> None:
    assert {path for _, path in COMMANDS} >= {"docs/moon-putin.svg", "docs/north-korea.svg", "docs/timeline.svg"}


@integration
@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (.ci/run installs it)")
@pytest.mark.parametrize("command,path", COMMANDS, ids=[p for _, p in COMMANDS])
def test_docs_picture_is_what_its_command_makes(command: str, path: str, tmp_path: Path) -> None:
    # The title names the project folder: make the data sit in one called 'kgraph', as a clone's.
    (tmp_path / "kgraph").mkdir()
    (tmp_path / "kgraph" / "data").symlink_to(DATA)
    argv = shlex.split(command)[1:]
    out = tmp_path / "out.svg"
    argv[argv.index(path)] = str(out)
    run = run_cli(*argv, data=tmp_path / "kgraph" / "data")
    assert run.code == 0, run.err
    assert _texts(out.read_text(encoding="utf-8")) == _texts((ROOT / path).read_text(encoding="utf-8"))
