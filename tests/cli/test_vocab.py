"""kgraph vocab: the project's types and predicates, and which predicate fits two types."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import BUNDLED_VOCABULARY, DATA, declared


def _own(make_data) -> Path:  # type: ignore[no-untyped-def]
    folder: Path = make_data()
    (folder / "vocabulary.yaml").write_text(
        "extends: politics\n"
        "types:\n"
        "  Ministry: {parent: Organization, description: A government department.}\n"
        "predicates:\n"
        "  advisedBy:\n"
        "    label: advised by\n"
        "    inverse: adviser of\n"
        "    description: The subject took advice from the object.\n"
        "    subject: [Ministry]\n"
        "    object: [Person]\n",
        encoding="utf-8",
    )
    return folder


def _parts(run) -> dict[str, list[dict]]:  # type: ignore[no-untyped-def, type-arg]
    """``vocab -f json``: one list of objects, types then predicates, told apart by 'section'."""
    assert run.code == 0, run
    rows = json.loads(run.out)
    return {
        "types": [r for r in rows if r["section"] == "type"],
        "predicates": [r for r in rows if r["section"] == "predicate"],
    }


def test_lists_types_and_predicates_as_a_table(cli) -> None:
    run = cli("vocab", data=DATA)
    assert run.code == 0, run
    types, predicates = declared(*BUNDLED_VOCABULARY)
    assert f"types ({len(types)})" in run.out and f"predicates ({len(predicates)})" in run.out
    for word in ("Treaty", "leaderOf", "led by", "The subject led", "Publication", "authors"):
        assert word in run.out


def test_json_carries_labels_descriptions_parents_and_sides(cli) -> None:
    data = _parts(cli("vocab", "--format", "json", data=DATA))
    person = next(t for t in data["types"] if t["name"] == "Person")
    assert person["parent"] == "Thing" and person["label"] == "person" and "role" in person["fields"]
    assert person["matches"] == ["schema:Person", "foaf:Person", "prov:Person"]
    assert next(t for t in data["types"] if t["name"] == "Thing")["parent"] is None
    leader = next(p for p in data["predicates"] if p["name"] == "leaderOf")
    assert leader == {
        "section": "predicate",
        "name": "leaderOf",
        "label": "led",
        "inverse": "led by",
        "inverse_property": "https://w3id.org/kgraph/ontology#ledBy",
        "description": "The subject led the object (a state, government or body).",
        "subject": ["Person"],
        "object": ["State", "Organization"],
        "flags": [],
        "symmetric": False,
        "reflexive": False,
        "acyclic": False,
        "iri": "https://w3id.org/kgraph/ontology#leaderOf",
    }


def test_which_predicate_fits_two_types(cli) -> None:
    data = _parts(cli("vocab", "--subject", "Person", "--object", "Organization", "-f", "json", data=DATA))
    fits = [p["name"] for p in data["predicates"]]
    assert "leaderOf" in fits and "memberOf" in fits and "partOf" in fits  # partOf takes Thing
    assert "signed" not in fits and "authorOf" not in fits and data["types"] == []


def test_a_subtype_fits_where_its_parent_does(cli, make_data) -> None:
    folder = _own(make_data)
    fits = _parts(cli("vocab", "--subject", "Ministry", "-f", "json", data=folder))["predicates"]
    names = [p["name"] for p in fits]
    assert "advisedBy" in names and "memberOf" in names  # memberOf takes Organization
    assert "near" not in names  # takes a Place
    back = _parts(cli("vocab", "--subject", "Organization", "--object", "Person", "-f", "json", data=folder))[
        "predicates"
    ]
    assert "advisedBy" not in [p["name"] for p in back]  # an Organization is not a Ministry


def test_csv_and_output_file(cli, tmp_path: Path) -> None:
    target = tmp_path / "vocab.csv"
    run = cli("vocab", "-o", str(target), data=DATA)
    assert run.code == 0 and run.out == "" and f"wrote {target}" in run.err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    types, predicates = declared(*BUNDLED_VOCABULARY)
    assert {r["name"] for r in rows if r["section"] == "type"} == types
    assert {r["name"] for r in rows if r["section"] == "predicate"} == predicates
    met = next(r for r in rows if r["name"] == "met")
    assert met["flags"] == "symmetric" and met["subject"] == "State, Person, Organization"
    piped = cli("vocab", "--object", "Treaty", "-f", "csv", data=DATA).out
    assert piped.splitlines()[0].startswith("section,name,label") and "\ntype," not in piped


def test_unknown_type_and_bad_format_are_usage_errors(cli) -> None:
    run = cli("vocab", "--subject", "Persn", data=DATA)
    assert run.code == 2 and "unknown type 'Persn' (did you mean 'Person'?)" in run.err
    assert cli("vocab", "-f", "yaml", data=DATA).code == 2
    assert cli("vocab", "-f", "table", "-o", "x.txt", data=DATA).code == 2


def test_a_broken_vocabulary_is_reported_located(cli, make_data) -> None:
    folder: Path = make_data()
    (folder / "vocabulary.yaml").write_text("extends: politics\ntypes:\n  Award: {parnt: Thing}\n")
    run = cli("vocab", data=folder)
    assert run.code == 1 and "vocabulary.yaml:3:11: error: unknown key 'parnt'" in run.err
