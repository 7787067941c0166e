"""The validator reports every problem with its exact file, line and column."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import MINI

ENTITIES = (MINI / "entities.yaml").read_text(encoding="utf-8")
RELATIONS = (MINI / "relations.yaml").read_text(encoding="utf-8")


def errors(run) -> list[str]:  # type: ignore[no-untyped-def]
    """The error lines, with the folder part of the path removed."""
    return [re.sub(r"^.*/data/", "data/", line) for line in run.err.splitlines() if ": error: " in line]


def test_bundled_mini_data_is_valid(cli) -> None:
    run = cli("validate")
    assert run.code == 0, run
    assert run.out.startswith("ok: 8 entities, 6 relations")


def test_yaml_syntax_error_has_line_and_column(cli, make_data) -> None:
    folder = make_data(relations="- subject: russia\n  predicate: [signed\n")
    run = cli("validate", data=folder)
    assert run.code == 1
    assert errors(run) == [
        "data/relations.yaml:3:1: error: YAML syntax error: did not find expected ',' or ']' "
        "(while parsing a flow sequence that starts at line 2, column 14)"
    ]


def test_duplicate_keys_are_caught(cli, make_data) -> None:
    folder = make_data(
        relations=RELATIONS.replace("  object: treaty-1884\n", "  object: treaty-1884\n  object: korea\n", 1)
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    assert "data/relations.yaml:4:3: error: duplicate key 'object' (first given on line 3)" in errors(run)


def test_unknown_field_suggests_the_right_one(cli, make_data) -> None:
    folder = make_data(entities=ENTITIES.replace("  label: China", "  lable: China"))
    run = cli("validate", data=folder)
    assert run.code == 1
    assert "data/entities.yaml:17:3: error: unknown field 'lable' in a State record (did you mean 'label'?)" in errors(
        run
    )
    assert "data/entities.yaml:15:3: error: missing required field 'label'" in errors(run)


def test_unknown_entity_suggests_a_close_id(cli, make_data) -> None:
    folder = make_data(relations=RELATIONS.replace("object: korea", "object: koreaa"))
    run = cli("validate", data=folder)
    assert run.code == 1
    assert errors(run) == ["data/relations.yaml:13:11: error: unknown entity 'koreaa' (did you mean 'korea'?)"]


def test_unknown_entity_given_by_label_suggests_its_id(cli, make_data) -> None:
    folder = make_data(relations=RELATIONS.replace("subject: china", "subject: China"))
    assert errors(cli("validate", data=folder)) == [
        "data/relations.yaml:11:12: error: unknown entity 'China' (did you mean 'china'?)"
    ]


def test_duplicate_ids(cli, make_data) -> None:
    folder = make_data(entities=ENTITIES + "- id: russia\n  type: State\n  label: Russia again\n")
    assert errors(cli("validate", data=folder)) == [
        "data/entities.yaml:32:7: error: duplicate id 'russia' (first defined on line 7)"
    ]


def test_unknown_type_and_predicate(cli, make_data) -> None:
    folder = make_data(
        entities=ENTITIES.replace("type: State\n  label: China", "type: Stat\n  label: China"),
        relations=RELATIONS.replace("predicate: lostControlOf", "predicate: lostcontrolof"),
    )
    found = errors(cli("validate", data=folder))
    assert "data/entities.yaml:16:9: error: unknown type 'Stat' (did you mean 'State'?)" in found
    assert (
        "data/relations.yaml:12:14: error: unknown predicate 'lostcontrolof' (did you mean 'lostControlOf'?)" in found
    )


def test_wrong_subject_type_for_predicate(cli, make_data) -> None:
    folder = make_data(
        relations=RELATIONS.replace(
            "- subject: putin\n  predicate: leaderOf\n  object: russia",
            "- subject: russia\n  predicate: leaderOf\n  object: putin",
        )
    )
    found = errors(cli("validate", data=folder))
    assert (
        "data/relations.yaml:21:12: error: 'leaderOf' does not take a State as subject ('russia'); it takes Person"
    ) in found
    assert any(
        line.startswith("data/relations.yaml:23:11: error: 'leaderOf' does not take a Person as object")
        for line in found
    )


def test_malformed_and_impossible_dates(cli, make_data) -> None:
    folder = make_data(
        relations=RELATIONS.replace("date: 1895-04", "date: 1895-13")
        .replace("date: 2000-07", "date: July 2000")
        .replace("date: 1961", "date: 1961-02-30")
    )
    found = errors(cli("validate", data=folder))
    assert found == [
        "data/relations.yaml:14:9: error: field 'date': impossible date '1895-13': month 13 is not 1-12",
        "data/relations.yaml:19:9: error: field 'date': malformed date 'July 2000' (expected an EDTF date: 1884-07-07, 1895-04, 1961, 1896~, 1945?, 196X, or an interval 1960/1979, 2000/.., ../1978)",
        "data/relations.yaml:29:9: error: field 'date': impossible date '1961-02-30': day 30 is not in 1-28",
    ]


def test_end_before_start(cli, make_data) -> None:
    folder = make_data(
        entities=ENTITIES.replace(
            "  label: Friendship Treaty\n  date: 1961", "  label: Friendship Treaty\n  start: 1961\n  end: 1960-12"
        )
    )
    assert errors(cli("validate", data=folder)) == ["data/entities.yaml:32:8: error: end 1960-12 is before start 1961"]


def test_quote_not_in_source(cli, make_data) -> None:
    folder = make_data(
        relations=RELATIONS.replace(
            "In April 1895, when China lost control over Korea", "In April 1895 China lost control of Korea"
        )
    )
    run = cli("validate", data=folder)
    assert [line.replace(str(folder), "data") for line in run.err.splitlines() if ": error: " in line] == [
        "data/relations.yaml:15:10: error: quote not found in source 'article': it departs from the nearest "
        'passage at data/sources/text.txt:3:1 (differences in brackets): quote "In April [1895] China lost '
        'control ", text "...ned on July 7, 1884. In April [1895, when] China lost control " '
        "(1 more difference(s) after it)"
    ]


def test_quote_matches_across_line_breaks_quote_marks_and_dashes(cli, make_data) -> None:
    folder = make_data()
    text = folder / "sources" / "text.txt"
    text.write_text(text.read_text() + "It was a \u201cpower field\u201d \u2013 or so.\n", encoding="utf-8")
    rel = RELATIONS + (
        "- subject: russia\n  predicate: influenced\n  object: korea\n"
        "  quote: 'It was a \"power field\" - or\n    so.'\n"
    )
    (folder / "relations.yaml").write_text(rel, encoding="utf-8")
    run = cli("validate", data=folder)
    assert run.code == 0, run


def test_missing_required_fields_and_wrong_types(cli, make_data) -> None:
    folder = make_data(relations="- subject: russia\n  predicate: signed\n  object: [treaty-1884]\n  date: [1884]\n")
    found = errors(cli("validate", data=folder))
    assert found == [
        "data/relations.yaml:1:3: error: missing required field 'quote'",
        "data/relations.yaml:3:11: error: field 'object' must be text, not a list",
        "data/relations.yaml:4:9: error: field 'date' must be a date like 1884-07-07, 1895-04, 1961 or 1896~, not a list",
    ]


def test_every_problem_is_reported_sorted_by_file_and_line(cli, make_data) -> None:
    folder = make_data(
        entities=ENTITIES.replace("label: China", "lable: China"),
        relations=RELATIONS.replace("object: korea", "object: koreaa").replace("date: 2000-07", "date: 2000-7"),
    )
    found = errors(cli("validate", data=folder))
    assert len(found) == 4, found
    assert found == sorted(found, key=lambda line: (line.split(":")[0], int(line.split(":")[1])))
    assert "4 error(s) found" in cli("validate", data=folder).err


def test_object_construction_tags_are_refused(cli, make_data) -> None:
    folder = make_data(
        entities=ENTITIES + "- id: evil\n  type: State\n  label: !!python/object/apply:os.system ['echo pwned']\n"
    )
    run = cli("validate", data=folder)
    assert run.code == 1
    assert (
        "data/entities.yaml:34:10: error: YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"
        in run.err.replace(str(folder), "data")
    )
    assert "pwned" not in run.out


def test_missing_data_folder(cli, tmp_path: Path) -> None:
    run = cli("validate", data=tmp_path / "nowhere")
    assert run.code == 1
    assert "data folder not found" in run.err


def test_self_relation_and_succession_cycle(cli, make_data) -> None:
    entities = ENTITIES + "- id: ussr\n  type: State\n  label: Soviet Union\n"
    relations = RELATIONS + (
        "- subject: russia\n  predicate: successorOf\n  object: ussr\n  quote: Russia\n"
        "- subject: ussr\n  predicate: successorOf\n  object: russia\n  quote: Russia\n"
        "- subject: china\n  predicate: cooperatedWith\n  object: china\n  quote: China\n"
    )
    found = errors(cli("validate", data=make_data(entities, relations)))
    assert "data/relations.yaml:31:3: error: cycle in 'successorOf': russia -> ussr -> russia" in found
    assert (
        "data/relations.yaml:41:11: error: 'china' cooperatedWith itself: "
        "'cooperatedWith' does not relate an entity to itself"
    ) in found


def test_unknown_source_and_non_publication_source(cli, make_data) -> None:
    folder = make_data(
        relations=RELATIONS.replace("  note: Test only.", "  source: artcle").replace(
            "  date: 1961\n", "  date: 1961\n  cites: [russia]\n"
        )
    )
    assert errors(cli("validate", data=folder)) == [
        "data/relations.yaml:25:11: error: unknown source 'artcle' (did you mean 'article'?)",
        "data/relations.yaml:30:10: error: 'cites' must name a Publication; 'russia' is a State",
    ]
