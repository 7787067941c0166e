"""The README's examples on local data are real: each one is run and its output compared.

Examples that print tables, need a server or write files are left to their own tests."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import DATA, OWN_TEXT, ROOT, examples, output_of, readme_section, run_cli

EXAMPLES = examples()


@pytest.fixture(scope="module", autouse=True)
def _warm_cache() -> None:
    """The examples show what a warm cache prints: run first on a cold one, an example would also
    print the build's notice on stderr and fail for the order the tests ran in."""
    assert run_cli("build", data=DATA).code == 0


def test_the_readme_has_examples_to_check() -> None:
    assert len(EXAMPLES) >= 6, EXAMPLES


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c for c, _ in EXAMPLES])
def test_readme_example(command: str, expected: str) -> None:
    assert output_of(command, DATA) == expected.splitlines()


def test_your_own_text(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """The README's walk-through, step by step: files written as it says, commands and their output."""
    section = readme_section((ROOT / "README.md").read_text(encoding="utf-8"), OWN_TEXT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")  # the width the tables in the README were made at
    steps = re.findall(
        r"(?:(write|add to the end of|in) `(data/[^`]+)`[^`]*?:\n\n)?```(?:yaml)?\n(.*?)```", section, re.S | re.I
    )
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
    relations.write_text(
        relations.read_text(encoding="utf-8").replace("predicate: invented", f"predicate: {typo[1]}"), encoding="utf-8"
    )
    run = run_cli("validate", data=None)
    assert run.code == 1 and run.err.splitlines()[0] == typo[2]


def test_the_evidence_share_the_readme_gives_is_the_bundled_graphs() -> None:
    """The README counts the bundled graph's evidence triples: the count must follow the data."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    said = re.search(r"\((\d+) statements\) the evidence is ([\d,]+) of the\s+graph's ([\d,]+) triples", text)
    assert said is not None
    statements, evidence, total = (int(group.replace(",", "")) for group in said.groups())
    result = run_cli("export", "-f", "nt", data=DATA)
    assert result.code == 0, result
    lines = result.out.splitlines()
    assert len(lines) == total
    # Evidence: every triple about a statement's annotation (IRI .../evidence), its targets and selectors.
    subjects = [line.split(" ", 1)[0] for line in lines]
    assert sum(1 for subject in subjects if "/evidence" in subject) == evidence
    assert len({subject for subject in subjects if subject.endswith("/evidence>")}) == statements
