"""The README's examples on local data are real: each one is run and its output compared.

Examples that print tables, need a server or write files are left to their own tests."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from conftest import DATA, ROOT, run_cli

SKIP = ("--endpoint", " push ", " serve", " -o ", " draw ")
#: A walk-through in a project of its own, run by test_your_own_text rather than on the bundled data.
OWN_TEXT = "## Your own text"


def _section(text: str, heading: str) -> str:
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:] if end < 0 else text[start:end + 1]


def _without_section(text: str, heading: str) -> str:
    return text.replace(_section(text, heading), "") if heading + "\n" in text else text


def examples(readme: Path = ROOT / "README.md") -> list[tuple[str, str]]:
    """(command, expected output) pairs from a README's code blocks (the walk-through aside)."""
    text = _without_section(readme.read_text(encoding="utf-8"), OWN_TEXT)
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


def test_your_own_text(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The README's walk-through, step by step: files written as it says, commands and their output."""
    section = _section((ROOT / "README.md").read_text(encoding="utf-8"), OWN_TEXT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")  # the width the tables in the README were made at
    steps = re.findall(r"(?:(write|add to the end of|in) `(data/[^`]+)`[^`]*?:\n\n)?```(?:yaml)?\n(.*?)```",
                       section, re.S | re.I)
    ran = 0
    for verb, path, body in steps:
        if path:
            mode = "a" if verb.lower().startswith("add") else "w"
            with open(path, mode, encoding="utf-8") as handle:
                handle.write(body)
            continue
        for part in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, _, expected = part.partition("\n")
            if command.startswith("cd "):
                monkeypatch.chdir(command[3:])
                continue
            assert output_of(command, None) == expected.rstrip("\n").splitlines(), command
            ran += 1
    assert ran >= 4
    # The typo the section shows, at the place it names.
    typo = re.search(r"`predicate: (\w+)` gives\s+`([^`]+)`", section)
    assert typo is not None
    relations = Path("data/relations.yaml")
    relations.write_text(relations.read_text(encoding="utf-8").replace("predicate: invented", f"predicate: {typo[1]}"),
                         encoding="utf-8")
    run = run_cli("validate", data=None)
    assert run.code == 1 and run.err.splitlines()[0] == typo[2]
