"""The checks that issue 16's review of the bundled annotation added to queries/checks/.

Each catches one kind of systemic error the review found and fixed: it must pass on the reviewed
data and fail on the claims as they stood before (tests/data/review/old-claims.yaml).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, ROOT

OLD_CLAIMS = Path(__file__).resolve().parent.parent / "data" / "review" / "old-claims.yaml"

# each check and the number of old claims it must catch
CAUGHT = {
    "assessment-of-a-location": 1,
    "concern-about-a-state": 2,
    "part-of-a-place": 1,
    "open-end-that-ended": 1,
    "effort-recorded-as-outcome": 1,
    "strain-recorded-as-rivalry": 1,
}


def _status(out: str, name: str) -> str:
    """The check's line in `kgraph check`'s report: 'ok' or 'N row(s)'."""
    match = re.search(rf"^\w+\s+{re.escape(name)}: (ok|\d+ row\(s\))", out, re.M)
    assert match, f"{name} not in the report:\n{out}"
    return match.group(1)


def test_the_review_checks_pass_on_the_bundled_data(cli) -> None:
    run = cli("check", data=DATA)
    assert run.code == 0, run
    for name in CAUGHT:
        assert _status(run.out, name) == "ok", name


@pytest.fixture
def old_project(tmp_path: Path) -> Path:
    """The bundled project with the pre-review claims put back in."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    relations = data / "relations.yaml"
    relations.write_text(
        relations.read_text(encoding="utf-8") + "\n" + OLD_CLAIMS.read_text(encoding="utf-8"), encoding="utf-8"
    )
    return data


def test_each_review_check_catches_the_error_it_was_written_for(cli, old_project: Path) -> None:
    assert cli("validate", data=old_project).code == 0
    run = cli("check", "--quiet", data=old_project)
    assert run.code == 1, run
    for name, rows in CAUGHT.items():
        assert _status(run.out, name) == f"{rows} row(s)", name
    assert f"failing at --fail-on error: {len(CAUGHT)}" in run.err
    # the rows name the claims: the reader sees which relation to fix
    assert "Russian energy projects" in run.out and "Siberia" in run.out
    assert "did not last long" in run.out


def test_an_effort_recorded_with_its_status_is_not_an_outcome(cli, tmp_path: Path) -> None:
    """ "plans to develop" recorded as a planned claim says what the text says: the check that catches
    an effort recorded as an outcome leaves it alone, and still catches the same claim without status."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    claim = (
        "- subject: russia\n  predicate: cooperatedWith\n  object: south-korea\n"
        '  quote: "it still plans to develop a number of prospective projects"\n'
    )
    relations = data / "relations.yaml"
    base = relations.read_text(encoding="utf-8")
    relations.write_text(base + "\n" + claim + "  status: planned\n", encoding="utf-8")
    assert _status(cli("check", data=data).out, "effort-recorded-as-outcome") == "ok"
    relations.write_text(base + "\n" + claim, encoding="utf-8")
    assert _status(cli("check", "--quiet", data=data).out, "effort-recorded-as-outcome") == "1 row(s)"


@pytest.mark.parametrize(("date", "caught"), [("2000/..", True), ("2000~/..", True), ("2000/", False), ("2000", False)])
def test_an_edtf_open_end_whose_quote_ended_is_caught(cli, tmp_path: Path, date: str, caught: bool) -> None:
    """`date: 2000/..` says "still in force" as `start: 2000` does: caught when the quote says it
    ended; `2000/` (ended, the text does not say when) is what such a quote calls for."""
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    shutil.copytree(ROOT / "queries", tmp_path / "queries")
    claim = (
        "- subject: russia\n  predicate: alliedWith\n  object: north-korea\n  kind: assessment\n"
        f'  date: "{date}"\n  quote: "this strategic \\"friendship\\" did not last long"\n'
    )
    relations = data / "relations.yaml"
    relations.write_text(relations.read_text(encoding="utf-8") + "\n" + claim, encoding="utf-8")
    assert cli("validate", data=data).code == 0
    run = cli("check", data=data)
    assert _status(run.out, "open-end-that-ended") == ("1 row(s)" if caught else "ok"), run
    assert run.code == (1 if caught else 0)
