"""The vocabulary file: shipped vocabularies, located errors, subtypes, meaning-aware hints.

Every kind of vocabulary error is checked through ``kgraph validate`` at its exact position.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kgraph.vocabulary import packaged

from conftest import BUNDLED_VOCABULARY, DATA, MINI, declared, integration


def _project(
    make_data,
    vocabulary: str | None,
    entities: str | None = None,  # type: ignore[no-untyped-def]
    relations: str | None = None,
) -> Path:
    folder: Path = make_data(entities, relations)
    target = folder / "vocabulary.yaml"
    if vocabulary is None:
        target.unlink()
    else:
        target.write_text(textwrap.dedent(vocabulary), encoding="utf-8")
    return folder


# --- shipped vocabularies ---


def test_core_holds_exactly_the_promised_types_and_predicates() -> None:
    core = packaged("core")
    assert list(core.types) == ["Thing", "Person", "Organization", "Place", "Event", "Publication"]
    assert core.types["Thing"].parent is None
    assert all(core.types[t].parent == "Thing" for t in list(core.types)[1:])
    expected = {
        "partOf": (("Thing",), ("Thing",), True),
        "locatedIn": (("Thing",), ("Place",), False),
        "participatedIn": (("Person", "Organization"), ("Event",), False),
        "authorOf": (("Person", "Organization"), ("Publication",), False),
        "publisherOf": (("Organization",), ("Publication",), False),
        "memberOf": (("Person", "Organization"), ("Organization",), False),
        "leaderOf": (("Person",), ("Organization",), False),
        "created": (("Person", "Organization"), ("Thing",), False),
        "successorOf": (("Thing",), ("Thing",), True),
        "cites": (("Publication",), ("Publication",), False),
    }
    assert {p.id: (p.subject_types, p.object_types, p.acyclic) for p in core.predicates.values()} == expected
    assert all(p.label and p.inverse_label and p.description for p in core.predicates.values())
    assert set(core.fields("Publication")) == {
        "authors",
        "title",
        "publisher",
        "year",
        "url",
        "pages",
        "place",
        "container",
        "volume",
        "issue",
        "text",
        "citation",
    }
    assert core.fields("Person")["role"].property == "https://schema.org/jobTitle"
    assert "https://schema.org/Person" not in core.types["Person"].matches  # CURIEs as written
    assert "schema:Person" in core.types["Person"].matches


def test_politics_extends_core_with_the_articles_types_and_predicates() -> None:
    politics = packaged("politics")
    assert politics.chain == ("core", "politics")
    assert set(politics.types) == {
        "Thing",
        "State",
        "Person",
        "Organization",
        "Treaty",
        "Project",
        "Event",
        "Place",
        "Publication",
    }
    assert set(politics.predicates) == declared(*BUNDLED_VOCABULARY[:2])[1]  # core's and politics' own
    leader = politics.predicates["leaderOf"]  # redeclared: widened object, inherited labels
    assert (leader.label, leader.inverse_label, leader.object_types) == ("led", "led by", ("State", "Organization"))
    assert packaged("core").predicates["leaderOf"].object_types == ("Organization",)
    assert politics.predicates["met"].symmetric and not politics.inverse_id(politics.predicates["met"])
    assert politics.inverse_id(politics.predicates["leaderOf"]) == "ledBy"


def test_the_bundled_project_says_extends_politics() -> None:
    text = (DATA / "vocabulary.yaml").read_text()
    assert "extends: politics" in text


# --- every kind of error, at its exact place ---

ERRORS = {
    "unknown-key": (
        """\
        types:
          Award:
            label: award
            parnt: Thing
        """,
        "4:5",
        "unknown key 'parnt' in type 'Award' (did you mean 'parent'?)",
    ),
    "unknown-top-key": (
        """\
        extends: core
        predicate:
          x: {}
        """,
        "2:1",
        "unknown key 'predicate' in the vocabulary (did you mean 'predicates'?)",
    ),
    "undeclared-type": (
        """\
        predicates:
          receivedAward:
            subject: [Person, Organisation]
        """,
        "3:23",
        "predicate 'receivedAward': 'subject' names undeclared type 'Organisation' (did you mean 'Organization'?)",
    ),
    "undeclared-parent": (
        """\
        types:
          Award:
            parent: Prize
        """,
        "3:13",
        "type 'Award': 'parent' names undeclared type 'Prize'",
    ),
    "duplicate-name": (
        """\
        types:
          Award: {}
        predicates:
          Award: {}
        """,
        "4:3",
        "duplicate name 'Award': it is already a type",
    ),
    "duplicate-key": (
        """\
        types:
          Award: {}
          Award: {}
        """,
        "3:3",
        "duplicate key 'Award' (first given on line 2)",
    ),
    "parent-cycle": (
        """\
        types:
          Prize:
            parent: Award
          Award:
            parent: Prize
        """,
        "3:13",
        "parent cycle: Prize -> Award -> Prize",
    ),
    "not-an-iri": (
        """\
        predicates:
          received award: {}
        """,
        "2:3",
        "predicate 'received award' cannot become an IRI",
    ),
    "unknown-extends": (
        """\
        extends: politcs
        """,
        "1:10",
        "unknown vocabulary 'politcs' in 'extends' (did you mean 'politics'?); kgraph ships: ",
    ),
    "unknown-range": (
        """\
        types:
          Award:
            fields:
              year: {range: gYeer}
        """,
        "4:21",
        "field 'year' of type 'Award': unknown range 'gYeer' (did you mean 'gYear'?)",
    ),
    "bad-prefix": (
        """\
        prefix: my ontology
        """,
        "1:9",
        "'prefix' must be an absolute IRI ending in '#' or '/'",
    ),
    "unknown-curie-prefix": (
        """\
        types:
          Award:
            matches: [wd:Q618779]
        """,
        "3:15",
        "type 'Award': 'matches': unknown prefix 'wd' in 'wd:Q618779'",
    ),
    "inverse-clash": (
        """\
        predicates:
          contains:
            inverse: part of
        """,
        "2:3",
        "its inverse label 'part of' would be the property 'partOf', which is already predicate 'partOf'",
    ),
    "reserved": (
        """\
        predicates:
          quote: {}
        """,
        "2:3",
        "predicate 'quote' is reserved",
    ),
    "not-a-mapping": (
        """\
        - Award
        """,
        "1:1",
        "a vocabulary file is a mapping",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_vocabulary_errors_are_located(cli, make_data, case: str) -> None:
    text, where, message = ERRORS[case]
    folder = _project(make_data, text)
    run = cli("validate", data=folder)
    assert run.code == 1, run
    line = next(ln for ln in run.err.splitlines() if "vocabulary.yaml" in ln)
    assert line.startswith(f"{folder / 'vocabulary.yaml'}:{where}: error: "), run
    assert message in line, run


def test_every_problem_of_the_file_at_once(cli, make_data) -> None:
    text = "\n".join(textwrap.dedent(ERRORS[c][0]) for c in ("bad-prefix",)) + textwrap.dedent("""\
        types:
          Award:
            parnt: Thing
        predicates:
          receivedAward:
            object: [Prize]
        """)
    run = cli("validate", data=_project(make_data, text))
    problems = [ln for ln in run.err.splitlines() if ": error: " in ln]
    assert [p.split(": error: ")[0].rsplit("vocabulary.yaml:", 1)[1] for p in problems] == ["1:9", "4:5", "7:14"]
    assert "3 error(s) found" in run.err


def test_a_broken_vocabulary_is_reported_alone(cli, make_data) -> None:
    """Checked against a broken vocabulary every record would err: only the file's problems show."""
    run = cli("validate", data=_project(make_data, "types: [Award]\n"))
    assert run.code == 1
    assert "'types' must be a mapping" in run.err and "relations.yaml" not in run.err


# --- what a data folder without vocabulary.yaml gets ---


def test_without_a_vocabulary_file_a_project_has_core(cli, make_data) -> None:
    folder = _project(make_data, None)
    run = cli("validate", data=folder)
    assert run.code == 1
    assert (
        "unknown type 'State': there is no such type in this project's vocabulary; 'State' is in "
        "kgraph's 'politics' vocabulary: add 'extends: politics' to vocabulary.yaml"
    ) in run.err
    assert (
        "unknown predicate 'signed': there is no such predicate in this project's vocabulary; "
        "'signed' is in kgraph's 'politics' vocabulary" in run.err
    )
    vocab = cli("vocab", "-f", "json", data=folder)
    import json

    assert [t["name"] for t in json.loads(vocab.out) if t["section"] == "type"] == list(packaged("core").types)


# --- "did you mean": by meaning, not only by spelling ---


def _relation(predicate: str, subject: str = "putin", obj: str = "treaty-1884") -> str:
    return f"- {{subject: {subject}, predicate: {predicate}, object: {obj}, quote: Vladimir Putin}}\n"


def test_a_label_finds_its_predicate(cli, make_data) -> None:
    folder = _project(make_data, "extends: politics\n", relations=_relation("took part in"))
    run = cli("validate", data=folder)
    assert (
        "relations.yaml:1:31: error: unknown predicate 'took part in' (did you mean 'participatedIn'? "
        "'took part in' is its label)" in run.err
    )


def test_an_inverse_label_finds_its_predicate_the_other_way(cli, make_data) -> None:
    folder = _project(make_data, "extends: politics\n", relations=_relation("led by", "russia", "putin"))
    run = cli("validate", data=folder)
    assert (
        "unknown predicate 'led by' (did you mean 'leaderOf' with subject and object swapped? "
        "'led by' is its inverse label)" in run.err
    )


def test_a_word_spelled_alike_is_not_offered(cli, make_data) -> None:
    """'acquired' is not 'assured' (the old hint): say there is none and how to declare it."""
    folder = _project(make_data, "extends: politics\n", relations=_relation("acquired", obj="russia"))
    run = cli("validate", data=folder)
    assert "assured" not in run.err
    assert (
        "unknown predicate 'acquired': there is no such predicate, nor one close in meaning; declare it "
        "under 'predicates:' in " in run.err
    )
    assert "vocabulary.yaml (label, inverse, description, subject, object); see kgraph vocab" in run.err


def test_the_closest_by_meaning_are_listed(cli, make_data) -> None:
    vocabulary = """\
        extends: politics
        predicates:
          boughtStake:
            label: bought a stake in
            description: The subject acquired shares of the object.
            subject: [Organization, State]
            object: [Organization]
        """
    folder = _project(make_data, vocabulary, relations=_relation("acquired", obj="russia"))
    run = cli("validate", data=folder)
    assert (
        "unknown predicate 'acquired': there is no such predicate; closest by meaning: "
        "'boughtStake' (bought a stake in); or declare it under 'predicates:' in " in run.err
    )


def test_a_near_spelling_is_still_offered(cli, make_data) -> None:
    folder = _project(make_data, "extends: politics\n", relations=_relation("leaderof", obj="russia"))
    assert "unknown predicate 'leaderof' (did you mean 'leaderOf'?)" in cli("validate", data=folder).err


def test_an_unknown_type_is_not_matched_by_spelling(cli, make_data) -> None:
    entities = (MINI / "entities.yaml").read_text() + "- {id: widget, type: Product, label: Widget}\n"
    folder = _project(make_data, "extends: politics\n", entities=entities)
    run = cli("validate", data=folder)
    assert "Project" not in run.err
    assert (
        "unknown type 'Product': there is no such type, nor one close in meaning; declare it under "
        "'types:' in " in run.err
    )


# --- subtypes ---

SUBTYPES = """\
    extends: politics
    types:
      Award:
        description: A prize or honour.
      Prize:
        parent: Award
        fields:
          year: {range: gYear}
          amount: {range: decimal, property: schema:value}
    predicates:
      receivedAward:
        label: received
        inverse: awarded to
        subject: [Person, State]
        object: [Award]
    """


def test_a_subtype_is_accepted_where_its_parent_is(cli, make_data) -> None:
    entities = (MINI / "entities.yaml").read_text() + "- {id: nobel, type: Prize, label: Nobel, year: 1901}\n"
    relations = (MINI / "relations.yaml").read_text() + _relation("receivedAward", obj="nobel")
    folder = _project(make_data, SUBTYPES, entities, relations)
    run = cli("validate", data=folder)
    assert run.code == 0, run
    wrong = relations + _relation("receivedAward", obj="russia")
    run = cli("validate", data=_project(make_data, SUBTYPES, entities, wrong))
    assert "'receivedAward' does not take a State as object ('russia'); it takes Award" in run.err


def test_declared_fields_are_mapped_and_checked(cli, make_data) -> None:
    entities = (
        MINI / "entities.yaml"
    ).read_text() + "- {id: nobel, type: Prize, label: Nobel, year: 1901, amount: 150782}\n"
    folder = _project(make_data, SUBTYPES, entities)
    run = cli("query", "SELECT ?y ?a WHERE { kgr:nobel kg:year ?y ; schema:value ?a }", "-f", "csv", data=folder)
    assert run.out.splitlines() == ["y,a", "1901,150782"], run
    bad = (MINI / "entities.yaml").read_text() + "- {id: nobel, type: Prize, label: Nobel, year: 19o1}\n"
    run = cli("validate", data=_project(make_data, SUBTYPES, bad))
    assert "entities.yaml:32:48: error: field 'year' must be a year like 1961, not '19o1'" in run.err, run


def test_rank_type_and_through_types_take_subtypes(cli, make_data) -> None:
    entities = (MINI / "entities.yaml").read_text() + "- {id: nobel, type: Prize, label: Nobel}\n"
    relations = (
        (MINI / "relations.yaml").read_text()
        + _relation("receivedAward", obj="nobel")
        + _relation("receivedAward", subject="kim-jong-il", obj="nobel")
    )
    folder = _project(make_data, SUBTYPES, entities, relations)
    run = cli("rank", "--type", "Award", "-f", "json", data=folder)
    assert [r["id"] for r in __import__("json").loads(run.out)] == ["nobel"], run
    run = cli(
        "path",
        "kim-jong-il",
        "putin",
        "--through-types",
        "Award",
        "--exclude-predicate",
        "met",
        "-f",
        "json",
        data=folder,
    )
    assert run.code == 0 and '"nobel"' in run.out, run


def test_a_subtype_of_publication_is_a_source(cli, make_data) -> None:
    vocabulary = "extends: politics\ntypes:\n  Report: {parent: Publication}\n"
    entities = (MINI / "entities.yaml").read_text().replace("type: Publication", "type: Report", 1)
    folder = _project(make_data, vocabulary, entities)
    run = cli("validate", data=folder)
    assert run.code == 0, run
    query = "SELECT ?t WHERE { kgr:article kg:sourceText ?t }"
    assert cli("query", query, "-f", "csv", data=folder).out.splitlines() == ["t", "sources/text.txt"]


def test_extends_omitted_means_core_and_redeclared_types_gain_fields(cli, make_data) -> None:
    vocabulary = """\
        types:
          Person:
            fields:
              born: {range: date, property: schema:birthDate}
              prizes: {list: true}
        """
    entities = """\
        - {id: article, type: Publication, label: Test article, text: sources/text.txt}
        - {id: putin, type: Person, label: Vladimir Putin, role: President, born: 1952-10-07,
           prizes: [a, b]}
        """
    folder = _project(make_data, vocabulary, entities, "[]\n")
    run = cli("validate", data=folder)
    assert run.code == 0, run
    listed = json_of(cli("vocab", "-f", "json", data=folder).out)  # a file without 'extends' extends core
    assert {"Thing", "Publication", "Person"} <= {t["name"] for t in listed if t["section"] == "type"}
    run = cli(
        "query",
        "SELECT ?role ?born ?prize WHERE { kgr:putin schema:jobTitle ?role ; "
        "schema:birthDate ?born ; kg:prizes ?prize } ORDER BY ?prize",
        "-f",
        "csv",
        data=folder,
    )
    assert run.out.splitlines() == ["role,born,prize", "President,1952-10-07,a", "President,1952-10-07,b"], run


def json_of(text: str) -> dict:  # type: ignore[type-arg]
    import json

    return json.loads(text)  # type: ignore[no-any-return]


def test_a_prefix_puts_the_files_own_terms_in_its_namespace(cli, make_data, tmp_path: Path) -> None:
    vocabulary = SUBTYPES.replace("extends: politics\n", "extends: politics\n    prefix: https://example.org/sci#\n")
    entities = (MINI / "entities.yaml").read_text() + "- {id: nobel, type: Prize, label: Nobel}\n"
    relations = (MINI / "relations.yaml").read_text() + _relation("receivedAward", obj="nobel")
    folder = _project(make_data, vocabulary, entities, relations)
    run = cli(
        "query",
        "SELECT ?p ?o WHERE { ?p <http://www.w3.org/2002/07/owl#inverseOf> ?o . "
        "FILTER(STRSTARTS(STR(?p), 'https://example.org/')) }",
        "-f",
        "csv",
        data=folder,
    )
    assert run.out.splitlines() == ["p,o", "https://example.org/sci#awardedTo,https://example.org/sci#receivedAward"], (
        run
    )
    run = cli(
        "query",
        "ASK { kgr:nobel a <https://example.org/sci#Prize> . "
        "kgr:putin <https://example.org/sci#receivedAward> kgr:nobel . "
        "kgr:putin kg:leaderOf kgr:russia }",
        "-f",
        "json",
        data=folder,
    )
    assert json_of(run.out)["boolean"] is True, run  # inherited terms stay in kg:
    path = cli("path", "putin", "nobel", "-f", "json", data=folder)
    assert path.code == 0 and '"receivedAward"' in path.out, path


def test_shipped_vocabularies_are_in_the_cache_key(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from kgraph import cache, vocab

    shipped = tmp_path / "vocabularies"
    shutil.copytree(vocab.PACKAGED_DIR, shipped)
    monkeypatch.setattr(vocab, "PACKAGED_DIR", str(shipped))
    before = cache.source_key(str(MINI), "http://example.org/")
    politics = shipped / "politics.yaml"
    politics.write_text(politics.read_text().replace("label: signed", "label: put its name to"))
    assert cache.source_key(str(MINI), "http://example.org/") != before


def test_the_plain_form_round_trips() -> None:
    from kgraph.vocabulary import Vocabulary

    politics = packaged("politics")
    again = Vocabulary.from_plain(politics.to_plain())
    assert again.to_plain() == politics.to_plain()
    assert again.is_publication("Publication") and again.predicates["met"].symmetric


@integration
def test_warm_graph_commands_read_the_vocabulary_from_the_cache(make_data, tmp_path: Path) -> None:
    """The cache entry keeps the vocabulary it was built with: a warm path composes no YAML."""
    import os
    import subprocess
    import sys

    folder = make_data()
    code = (
        "import sys; sys.argv = ['kgraph', '--data', sys.argv[1], 'path', 'putin', 'russia']\n"
        "from kgraph.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "sys.stderr.write('yaml loaded: %s' % ('yaml' in sys.modules))\n"
    )
    env = {**os.environ, "KGRAPH_CACHE": str(tmp_path / "cache")}
    runs = [
        subprocess.run([sys.executable, "-c", code, str(folder)], capture_output=True, text=True, env=env, timeout=120)
        for _ in range(2)
    ]
    assert "Vladimir Putin" in runs[1].stdout, runs[1]
    assert runs[0].stderr.endswith("yaml loaded: True") and runs[1].stderr.endswith("yaml loaded: False"), runs
