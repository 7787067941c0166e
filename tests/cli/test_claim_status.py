"""A claim's status (issue 16): a planned, denied... relation is recorded and shown, never asserted
as what happened: paths, rankings, neighbours, timelines and --at use actual claims unless
--status asks for others, and the graph has no direct triple for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import MINI

#: China's planned invasion of Russia (the mini text says nothing of it; the quote is what matters
#: to validation): one hop from China to Russia, where the actual claims need three.
PLANNED = """
- subject: china
  predicate: invaded
  object: russia
  date: 1895-04
  status: planned
  quote: Russia used this opportunity.
"""


@pytest.fixture
def planned(make_data) -> Path:
    return make_data(relations=(MINI / "relations.yaml").read_text(encoding="utf-8") + PLANNED)


def hops(run) -> list[tuple[str, str, str, str]]:  # type: ignore[no-untyped-def]
    assert run.code == 0, run
    return [
        (h["subject"]["id"], h["predicate"]["id"], h["object"]["id"], h["status"])
        for h in json.loads(run.out)["paths"][0]["hops"]
    ]


def test_path_uses_actual_claims_unless_asked(cli, planned: Path) -> None:
    actual = hops(cli("path", "china", "russia", "-f", "json", data=planned))
    assert [h[1] for h in actual] == ["lostControlOf", "signed", "signed"]
    assert {h[3] for h in actual} == {"actual"}
    for status in ("any", "planned,actual", "actual,planned"):
        assert hops(cli("path", "china", "russia", "-f", "json", "--status", status, data=planned)) == [
            ("china", "invaded", "russia", "planned")
        ]
    assert [
        h[1] for h in hops(cli("path", "china", "russia", "-f", "json", "--status", "actual,denied", data=planned))
    ] == ["lostControlOf", "signed", "signed"]


def test_path_and_show_print_the_status_of_a_claim_that_did_not_happen(cli, planned: Path) -> None:
    table = cli("path", "china", "russia", "--status", "any", data=planned)
    assert table.code == 0 and "1 hop(s)" in table.out
    assert "[planned]" in table.out
    plain = cli("path", "china", "korea", data=planned)
    assert plain.code == 0 and "[" not in plain.out.replace("[assessment]", "")
    card = cli("show", "china", data=planned)  # everything known, each claim with its status
    assert card.code == 0
    assert "invaded Russia" in card.out and "[planned]" in card.out


def test_at_without_the_actual_claims_suggests_the_status(cli, planned: Path) -> None:
    run = cli("path", "china", "russia", "--at", "1895-04", data=planned)
    assert run.code == 1
    assert "connected with --status any" in run.err and "(shortest: 1 hop(s))" in run.err
    again = hops(cli("path", "china", "russia", "--at", "1895-04", "--status", "any", "-f", "json", data=planned))
    assert again == [("china", "invaded", "russia", "planned")]


def test_rank_neighbors_and_timeline_count_actual_claims_unless_asked(cli, planned: Path) -> None:
    def degree(*extra: str) -> float:
        run = cli("rank", "-f", "json", *extra, data=planned)
        assert run.code == 0, run
        return next(r["degree"] for r in json.loads(run.out) if r["id"] == "china")

    assert degree() == 1 and degree("--status", "any") == 2

    def near(*extra: str) -> set[str]:
        run = cli("neighbors", "china", "-f", "json", *extra, data=planned)
        assert run.code == 0, run
        return {e["id"] for e in json.loads(run.out) if e["section"] == "entity"}

    assert "russia" not in near() and "russia" in near("--status", "planned,actual")

    def lines(*extra: str) -> list[str]:
        run = cli("timeline", "china", "-f", "json", *extra, data=planned)
        assert run.code == 0, run
        return [m["predicate"] for m in json.loads(run.out) if m["predicate"]]

    assert lines() == ["lostControlOf"] and sorted(lines("--status", "any")) == ["invaded", "lostControlOf"]


def test_the_graph_records_the_claim_without_asserting_it(cli, planned: Path) -> None:
    asserted = cli("query", "SELECT ?o WHERE { kgr:china kg:invaded ?o }", "-f", "csv", data=planned)
    assert asserted.code == 0 and asserted.out.splitlines() == ["o"]
    recorded = cli(
        "query",
        "SELECT ?o ?status WHERE { ?st rdf:subject kgr:china ; rdf:predicate kg:invaded ; "
        "rdf:object ?o ; kg:status ?status }",
        "-f",
        "csv",
        data=planned,
    )
    assert recorded.out.splitlines()[1:] == [
        "https://w3id.org/kgraph/resource/russia,https://w3id.org/kgraph/ontology#Planned"
    ]
    label = cli("query", "SELECT ?l WHERE { kg:Planned a kg:ClaimStatus ; rdfs:label ?l }", "-f", "csv", data=planned)
    assert label.out.splitlines()[1:] == ["planned"]


def test_an_unknown_status_is_a_located_error_with_a_hint(cli, make_data) -> None:
    folder = make_data(
        relations=(MINI / "relations.yaml").read_text(encoding="utf-8")
        + PLANNED.replace("status: planned", "status: plannd")
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    line = (folder / "relations.yaml").read_text().splitlines().index("  status: plannd") + 1
    assert f"relations.yaml:{line}:11: error: unknown status 'plannd' (did you mean 'planned'?)" in run.err


def test_an_unknown_status_option_is_a_usage_error(cli, planned: Path) -> None:
    for command in (["path", "china", "russia"], ["rank"], ["neighbors", "china"], ["timeline"]):
        run = cli(*command, "--status", "planed", data=planned)
        assert run.code == 2, (command, run)
        assert "unknown status 'planed' (did you mean 'planned'?)" in run.err


def test_diff_reports_a_changed_status(cli, planned: Path, tmp_path: Path) -> None:
    import shutil

    old = tmp_path / "old"
    shutil.copytree(planned, old)
    text = (planned / "relations.yaml").read_text(encoding="utf-8")
    (planned / "relations.yaml").write_text(text.replace("status: planned", "status: failed"), encoding="utf-8")
    run = cli("diff", str(old), str(planned), "-f", "json", data=None)
    assert run.code == 1, run
    assert '"status"' in run.out and '"planned"' in run.out and '"failed"' in run.out


def test_the_annotation_of_a_planned_claim_says_so(cli, planned: Path) -> None:
    run = cli("export", "-f", "annotations", data=planned)
    assert run.code == 0, run
    bodies = {item["body"]["rdf:predicate"]["label"]: item["body"] for item in json.loads(run.out)["items"]}
    assert bodies["invaded"]["kg:status"] == {"id": "https://w3id.org/kgraph/ontology#Planned"}
    assert "kg:status" not in bodies["met"]
