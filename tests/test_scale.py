"""Honest data at scale is read, not refused: issue #18 (a flat 300,000-relation file was called
"too deeply nested" because a per-file cap of 2,000,000 YAML values stood in for an alias-bomb guard).

Slow (about half a minute and 3 GB on a 2-core machine): marked ``integration``, so the default run
leaves it out and CI (``pytest --integration``) runs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, integration


@integration
def test_a_flat_file_above_the_old_cap_validates(tmp_path: Path) -> None:
    data = tmp_path / "big"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "generate.py"),
            "--relations",
            "300000",
            "--seed",
            "5",
            "--out",
            str(data),
        ],
        check=True,
        capture_output=True,
    )
    # Over 2,000,000 YAML values in this one file: today's data, not an attack.
    assert (data / "relations.yaml").stat().st_size > 50_000_000
    run = subprocess.run(
        [sys.executable, "-m", "kgraph", "--data", str(data), "validate"],
        capture_output=True,
        text=True,
        env={**os.environ, "KGRAPH_CACHE": str(tmp_path / "cache")},
    )
    assert "nesting" not in run.stderr
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("ok: 60380 entities, 299999 relations"), run.stdout
