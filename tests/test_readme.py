"""The README's examples on local data are real: each one is run and its output compared.

Examples that print tables, need a server or write files are left to their own tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli

SKIP = ("--endpoint", " push ", " serve", " -o ", " draw ")


def examples(readme: Path = ROOT / "README.md") -> list[tuple[str, str]]:
    """(command, expected output) pairs from a README's code blocks."""
    text = readme.read_text(encoding="utf-8")
    found = []
    # Fences are paired line by line, so a ```text or ```yaml block is skipped whole (not mistaken
    # for the end of one block and the start of another).
    for language, block in re.findall(r"^```([\w-]*)\n(.*?)^```[ \t]*$", text, re.S | re.M):
        if language:
            continue
        parts = re.split(r"^\$ ", block, flags=re.M)
        for part in parts[1:]:
            command, _, output = part.partition("\n")
            if not command.startswith("kgraph ") or any(s in f" {command} " for s in SKIP):
                continue
            if "\u250f" in output:  # a rich table: its layout depends on the terminal
                continue
            found.append((command.strip(), output.rstrip("\n")))
    return found


EXAMPLES = examples()


def test_the_readme_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 6, EXAMPLES


def output_of(command: str, data: Path | None) -> list[str]:
    """The lines a README command prints (stdout then stderr), through its ``| head -N`` if any."""
    pipeline = command.split(" | ")
    argv = shlex.split(pipeline[0])[1:]
    run = run_cli(*argv, data=data)
    lines = (run.out + run.err).rstrip("\n").splitlines()
    for stage in pipeline[1:]:
        match = re.fullmatch(r"head -(\d+)", stage.strip())
        assert match, f"unsupported pipe in README example: {stage}"
        lines = lines[: int(match.group(1))]
    return [line.rstrip() for line in lines]


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(command: str, expected: str) -> None:
    assert output_of(command, DATA) == expected.splitlines()
