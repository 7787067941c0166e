"""A project split over several files, and a file-wide default source (issue #10).

Records may live in ``entities.yaml`` and/or ``entities/**/*.yaml``, ``relations.yaml`` and/or
``relations/**/*.yaml``; every other YAML file of the data folder is named in a warning.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import MINI

ENTITIES = (MINI / "entities.yaml").read_text(encoding="utf-8")
RELATIONS = (MINI / "relations.yaml").read_text(encoding="utf-8")
MEMOIR = """\
- id: memoir
  type: Publication
  label: A memoir
  text: sources/memoir.txt
"""


def lines(run, folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """stderr lines with the data folder shown as ``data``."""
    return run.err.replace(str(folder), "data").splitlines()


def write(folder: Path, rel: str, text: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def split_project(make_data) -> Path:  # type: ignore[no-untyped-def]
    """The mini project with its records spread over a file and two folders."""
    folder = make_data()
    entities = ENTITIES.split("- id: putin")
    write(folder, "entities.yaml", entities[0])
    write(folder, "entities/people/leaders.yaml", "- id: putin" + entities[1])
    records = RELATIONS.split("- subject: putin\n  predicate: met")
    (folder / "relations.yaml").unlink()
    write(folder, "relations/1884-1961.yaml", records[0])
    write(folder, "relations/2000/putin.yaml", "- subject: putin\n  predicate: met" + records[1])
    return folder


def test_records_split_over_files_and_folders_are_all_read(cli, make_data) -> None:
    folder = split_project(make_data)
    run = cli("validate", data=folder)
    assert run.code == 0, run
    assert run.out.startswith("ok: 8 entities, 6 relations")
    assert run.err == ""
    shown = cli("show", "Vladimir Putin", data=folder)
    assert shown.code == 0, shown
    assert "Kim Jong-il" in shown.out and "Russia" in shown.out


def test_errors_point_at_the_file_that_holds_them(cli, make_data) -> None:
    folder = split_project(make_data)
    write(
        folder,
        "relations/2000/putin.yaml",
        """\
        - subject: putin
          predicate: met
          object: kim-jong-ill
          quote: Vladimir Putin met Kim Jong-il in July 2000.
        """,
    )
    write(folder, "entities/more.yaml", "- id: russia\n  type: State\n  label: Russia again\n")
    run = cli("validate", data=folder)
    assert run.code == 1
    assert lines(run, folder) == [
        "data/entities/more.yaml:1:7: error: duplicate id 'russia' (first defined at data/entities.yaml:7)",
        "data/relations/2000/putin.yaml:3:11: error: unknown entity 'kim-jong-ill' (did you mean 'kim-jong-il'?)",
        "2 error(s) found",
    ]


def test_a_duplicate_id_in_the_same_file_still_names_the_line(cli, make_data) -> None:
    folder = split_project(make_data)
    write(
        folder,
        "entities/people/leaders.yaml",
        "- id: putin\n  type: Person\n  label: Putin\n- id: putin\n  type: Person\n  label: V. Putin\n",
    )
    run = cli("validate", data=folder)
    assert "data/entities/people/leaders.yaml:4:7: error: duplicate id 'putin' (first defined on line 1)" in lines(
        run, folder
    )


def test_every_yaml_file_not_read_is_named(cli, make_data) -> None:
    folder = make_data()
    write(folder, "relations-ens.yaml", RELATIONS)
    write(folder, "people.yml", "- id: x\n")
    write(folder, "notes/extra.yaml", "- id: x\n")
    write(folder, "relations/old.yml", RELATIONS)
    # Read by others, or not records: no warning.
    assert (folder / "vocabulary.yaml").is_file()
    write(folder, "sources/meta.yaml", "title: x\n")
    write(folder, ".hidden/x.yaml", "- id: x\n")
    run = cli("validate", data=folder)
    assert run.code == 0, run
    only = "not read: kgraph reads only entities.yaml or entities/*.yaml, relations.yaml or relations/*.yaml"
    assert lines(run, folder) == [
        f"data/notes/extra.yaml: warning: {only}; put entities in entities.yaml or entities/*.yaml "
        "and relations in relations.yaml or relations/*.yaml",
        f"data/people.yml: warning: {only}; kgraph reads files ending in .yaml; rename it",
        f"data/relations-ens.yaml: warning: {only}; put relations in relations.yaml or relations/*.yaml",
        f"data/relations/old.yml: warning: {only}; kgraph reads files ending in .yaml; rename it",
    ]


def test_a_new_relation_file_changes_the_cached_graph(cli, make_data) -> None:
    folder = split_project(make_data)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s rdf:subject ?x }"
    assert cli("build", data=folder).code == 0
    assert cli("query", count, "--format", "csv", data=folder).out.split() == ["n", "6"]
    write(
        folder,
        "relations/late/more.yaml",
        """\
        - subject: russia
          predicate: cooperatedWith
          object: korea
          quote: Russia used this opportunity.
        """,
    )
    assert cli("query", count, "--format", "csv", data=folder).out.split() == ["n", "7"]


#: A relation quoted from the memoir, as an item of a relation file's ``relations:`` list.
MET_1999 = """\
  - subject: russia
    predicate: met
    object: korea
    quote: Russia and Korea met again in 1999.
"""


def two_texts(make_data) -> Path:  # type: ignore[no-untyped-def]
    folder = make_data(entities=ENTITIES + MEMOIR)
    write(folder, "sources/memoir.txt", "Russia and Korea met again in 1999.\n")
    return folder


def test_a_file_sets_the_source_of_its_records(cli, make_data) -> None:
    folder = two_texts(make_data)
    write(
        folder,
        "relations/memoir.yaml",
        "source: memoir\nrelations:\n"
        + MET_1999
        + textwrap.indent(
            textwrap.dedent("""\
        - subject: russia
          predicate: cooperatedWith
          object: korea
          source: article
          quote: Russia used this opportunity.
        """),
            "  ",
        ),
    )
    # The plain list form stays valid beside it (these name their source one by one).
    write(folder, "relations.yaml", RELATIONS.replace("  quote:", "  source: article\n  quote:"))
    run = cli("validate", data=folder)
    assert run.code == 0, run
    assert run.out.startswith("ok: 9 entities, 8 relations")
    rows = cli(
        "query",
        "SELECT ?q ?src WHERE { ?s kg:quote ?q ; prov:wasDerivedFrom ?p . ?p rdfs:label ?src } ORDER BY ?q",
        "--format",
        "csv",
        data=folder,
    ).out
    assert "Russia and Korea met again in 1999.,A memoir" in rows
    assert "Russia used this opportunity.,Test article" in rows


def test_a_bad_file_source_is_reported_where_it_is_set(cli, make_data) -> None:
    folder = two_texts(make_data)
    write(
        folder,
        "relations.yaml",
        """\
        source: memoire
        relation:
          - subject: russia
        """,
    )
    write(folder, "relations/b.yaml", "source: memoire\nrelations:\n" + MET_1999)
    run = cli("validate", data=folder)
    assert run.code == 1
    assert lines(run, folder) == [
        "data/relations.yaml:1:1: error: the file must be a list of relation records (- subject: ...), or a "
        "mapping with 'relations:' (the list) and an optional 'source:' for all of them",
        "data/relations.yaml:2:1: error: unknown field 'relation' in a relation file (did you mean 'relations'?)",
        "data/relations/b.yaml:1:9: error: unknown source 'memoire' (did you mean 'memoir'?)",
        "3 error(s) found",
    ]


def test_a_missing_source_names_the_text_that_holds_the_quote(cli, make_data) -> None:
    folder = two_texts(make_data)
    write(
        folder,
        "relations.yaml",
        """\
        - subject: russia
          predicate: met
          object: korea
          quote: Russia and Korea met again in 1999.
        - subject: russia
          predicate: met
          object: china
          quote: Russia met China at last.
        """,
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    assert lines(run, folder) == [
        "data/relations.yaml:1:3: error: missing 'source:': the quote is found in 'memoir' "
        "(data/sources/memoir.txt); add source: memoir",
        "data/relations.yaml:5:3: error: missing 'source:': the quote is in none of the source texts "
        "('article', 'memoir'); add source: with the publication that holds it",
        "2 error(s) found",
    ]
