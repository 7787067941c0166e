"""Paths, rankings and pictures on the bundled annotation of the article: facts the article states."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path

import pytest

from conftest import DATA, needs_bundled_data

pytestmark = needs_bundled_data


def hops(run) -> list[list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    assert run.code == 0, run
    return [p["hops"] for p in json.loads(run.out)["paths"]]


def covers(when: str | None, year: int) -> bool:
    """Whether a hop's date or interval (``1961``, ``1953/..``, ``1990/1999``) includes ``year``."""
    if when is None:
        return True
    first, _, last = when.partition("/") if "/" in when else (when, "", when)
    low = int(first[:4]) if first and first != ".." else -9999
    high = int(last[:4]) if last and last != ".." else 9999
    return low <= year <= high


def test_putin_met_kim_jong_il_in_july_2000(cli) -> None:
    [path] = hops(cli("path", "Vladimir Putin", "Kim Jong-il", "-f", "json", data=DATA))
    assert len(path) == 1 and path[0]["predicate"]["id"] == "met" and path[0]["date"] == "2000-07"
    assert "July 2000" in path[0]["quote"]


def test_soviet_union_and_north_korea_signed_the_1961_treaty(cli) -> None:
    found = hops(
        cli("path", "Soviet Union", "North Korea", "--via", "signed", "--all-shortest", "-f", "json", data=DATA)
    )
    treaties = {p[0]["object"]["label"] for p in found}
    assert any("1961" in label for label in treaties), treaties
    assert all(h["date"] == "1961" for p in found for h in p if "1961" in h["object"]["label"])


def test_russia_and_north_korea_signed_in_2000(cli) -> None:
    found = hops(cli("path", "Russia", "North Korea", "--via", "signed", "--all-shortest", "-f", "json", data=DATA))
    assert any(h["date"].startswith("2000") for p in found for h in p)
    assert all(h["subject"]["id"] in ("russia", "north-korea") for p in found for h in p)


def test_at_1965_removes_post_1991_links(cli) -> None:
    run = cli("path", "Vladimir Putin", "South Korea", "--at", "1965", "--undated", "drop", data=DATA)
    assert run.code == 1 and "connected without --at 1965" in run.err
    assert "connected if undated relations are kept" in run.err
    for path in hops(cli("path", "Soviet Union", "North Korea", "--at", "1965", "--k", "3", "-f", "json", data=DATA)):
        assert all(covers(h["date"], 1965) for h in path), path


def test_russia_only_ranks_once_it_exists(cli) -> None:
    def states(at: str) -> list[str]:
        run = cli(
            "rank", "-m", "betweenness", "--type", "State", "--at", at, "--undated", "drop", "-f", "json", data=DATA
        )
        assert run.code == 0, run
        return [r["id"] for r in json.loads(run.out)]

    assert "soviet-union" in states("1965") and "russia" not in states("1965")
    assert "russia" in states("2017")


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed")
def test_svg_of_putins_neighbourhood(cli, tmp_path: Path) -> None:
    out = tmp_path / "putin.svg"
    assert cli("draw", "Vladimir Putin", "-o", str(out), data=DATA).code == 0
    svg = html.unescape(out.read_text(encoding="utf-8"))  # Graphviz writes "-" as &#45;
    assert ">Vladimir Putin<" in svg and ">Kim Jong-il<" in svg and ">Russia<" in svg
