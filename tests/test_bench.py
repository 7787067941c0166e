"""The benchmark's references measure the same thing kgraph does: a floor that read the cache
wrongly would time a different search (bench/run.py's path floor read the statements from
entities.marshal after they had moved to the entry's edges/ segments, and failed at 1M relations)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, integration, run_cli

sys.path.insert(0, str(ROOT / "bench"))
import run as bench_run  # noqa: E402
from generate import generate  # noqa: E402


@integration  # a networkx search in its own process
def test_the_path_floor_finds_the_path_kgraph_finds(tmp_path: Path, monkeypatch) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    generate(300, 3, str(data), split=100)
    monkeypatch.setenv("KGRAPH_CACHE", str(cache))
    path = run_cli("path", "chain-a-end", "chain-b-end", "-f", "json", data=data)
    assert path.code == 0, path
    [manifest] = cache.glob("*/*/manifest.json")
    assert (manifest.parent / "edges").is_dir()  # the statements are in segments
    floor = subprocess.run(
        [sys.executable, bench_run.script(bench_run.FLOOR_PATH), str(manifest.parent / "entities.marshal")]
        + ["chain-a-end", "chain-b-end"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert int(floor.stdout) == len(json.loads(path.out)["paths"][0]["hops"]) > 10
