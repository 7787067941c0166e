"""The README's promises about testing hold: .ci/run runs what the README says, and the quick run
leaves out exactly the tests marked integration."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import ROOT, integration


def _readme_test_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Run the tests") : text.index("\n## ", text.index("## Run the tests") + 1)]
    return [block.strip() for block in re.findall(r"^```\n(.*?)^```", section, re.S | re.M)]


def test_ci_runs_the_readmes_full_test_command_and_the_checks() -> None:
    commands = _readme_test_commands()
    assert commands[0] == ".venv/bin/python -m pytest -q"
    assert commands[1] == ".venv/bin/python -m pytest -q --integration"
    lines = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    for expected in (
        commands[1],
        ".venv/bin/ruff check src tests bench",
        ".venv/bin/ruff format --check src tests bench",
        ".venv/bin/mypy --strict src/kgraph",
        ".venv/bin/python -m pytest -q -p no:cacheprovider --doctest-modules src/kgraph",
    ):
        assert expected in lines, expected
    assert "pip install -q -e '.[dev]'" in "\n".join(lines)


def _collected(*args: str) -> set[str]:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-q",
            "-p",
            "no:cacheprovider",
            *args,
            "tests/test_scale.py",
            "tests/test_ci.py",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return {line for line in done.stdout.splitlines() if "::" in line}


@integration
def test_the_quick_run_leaves_out_the_integration_tests_and_the_full_run_has_them() -> None:
    quick, full = _collected(), _collected("--integration")
    scale = "tests/test_scale.py::test_a_flat_file_above_the_old_cap_validates"
    assert scale in full and scale not in quick
    assert quick < full and all(name.startswith("tests/test_ci.py") for name in quick)


def _workers_started(*args: str) -> bool:
    """Whether a run of one quick test, chosen by name, with ``args`` started pytest-xdist workers."""
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-k", "test_ci_runs_the_readmes", *args],
        cwd=ROOT,
        # Without the choices a user or an outer xdist run may have made in the environment.
        env={k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_XDIST_", "PYTEST_ADDOPTS"))},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return "created: " in done.stdout  # xdist's "created: 2/2 workers"


@integration
def test_the_quick_run_spreads_over_the_cores_and_other_runs_stay_in_one_process() -> None:
    assert _workers_started()
    assert not _workers_started("tests/test_ci.py")
    assert not _workers_started("--integration")
    assert not _workers_started("-n", "0")
