"""kgraph schema: JSON Schema of the project's files; the bundled data passes it, broken records do not."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from kgraph.yamlnodes import read_yaml

from conftest import DATA, MINI, ROOT, run_cli


def document(path: Path) -> Any:
    """A YAML file as an editor's YAML 1.2 reader sees it (dates stay text)."""
    problems: list[Any] = []
    root = read_yaml(str(path), path.read_text(encoding="utf-8"), problems)
    assert root is not None and not problems
    return root.raw


@pytest.fixture(scope="module")
def validator(tmp_path_factory: pytest.TempPathFactory) -> jsonschema.Draft7Validator:
    out = tmp_path_factory.mktemp("schema") / "schema.json"
    run = run_cli("schema", "-o", str(out), data=DATA)
    assert run.code == 0, run
    assert run.err == f"wrote {out}\n"
    schema = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_the_bundled_data_passes_its_schema(validator: jsonschema.Draft7Validator) -> None:
    for name in ("entities.yaml", "relations.yaml"):
        errors = list(validator.iter_errors(document(DATA / name)))
        assert errors == [], (name, [e.message for e in errors[:3]])


def test_the_schema_names_the_project_s_terms(validator: jsonschema.Draft7Validator) -> None:
    definitions = validator.schema["definitions"]
    assert "Publication" in definitions["entity"]["properties"]["type"]["enum"]
    relation = definitions["relation"]["properties"]
    assert "signed" in relation["predicate"]["enum"] and "soviet-union" in relation["subject"]["enum"]
    assert relation["source"]["enum"][0] == "article"


RUSSIA_SIGNED = {
    "subject": "russia",
    "predicate": "signed",
    "object": "russia-north-korea-friendship-treaty-2000",
    "quote": "It was signed in February 2000",
    "date": "2000-02",
}


@pytest.mark.parametrize(
    "broken",
    [
        {**RUSSIA_SIGNED, "predicate": "signd"},  # unknown predicate
        {**RUSSIA_SIGNED, "subject": "rusia"},  # unknown entity
        {**RUSSIA_SIGNED, "date": "2000-13"},  # no such month
        {**RUSSIA_SIGNED, "date": "February 2000"},  # not an ISO date
        {**RUSSIA_SIGNED, "source": "russia"},  # not a publication
        {**RUSSIA_SIGNED, "qoute": "typo"},  # unknown field
        {k: v for k, v in RUSSIA_SIGNED.items() if k != "quote"},  # no quote
    ],
    ids=["predicate", "entity", "month", "date-words", "source", "field", "no-quote"],
)
def test_a_broken_relation_fails(validator: jsonschema.Draft7Validator, broken: dict[str, Any]) -> None:
    assert validator.is_valid([RUSSIA_SIGNED])
    assert not validator.is_valid([broken])


@pytest.mark.parametrize(
    "broken",
    [
        {"id": "x", "type": "Stat", "label": "X"},  # unknown type
        {"id": "x", "type": "State", "label": "X", "authors": ["A"]},  # a field of another type
        {"id": "x y", "type": "State", "label": "X"},  # not a slug
        {"id": "x", "type": "State"},  # no label
    ],
    ids=["type", "field", "id", "no-label"],
)
def test_a_broken_entity_fails(validator: jsonschema.Draft7Validator, broken: dict[str, Any]) -> None:
    assert validator.is_valid([{"id": "x", "type": "Publication", "label": "X", "authors": ["A"], "year": 1999}])
    assert not validator.is_valid([broken])


def test_a_relation_file_with_its_own_source_passes(validator: jsonschema.Draft7Validator) -> None:
    assert validator.is_valid({"source": "article", "relations": [RUSSIA_SIGNED]})
    assert not validator.is_valid({"source": "russia", "relations": [RUSSIA_SIGNED]})
    assert not validator.is_valid({"sources": "article", "relations": [RUSSIA_SIGNED]})


def test_without_output_the_schema_goes_to_stdout() -> None:
    run = run_cli("schema", data=MINI)
    assert run.code == 0 and run.err == ""
    schema = json.loads(run.out)
    assert schema["definitions"]["relation"]["properties"]["subject"]["enum"][:2] == ["article", "china"]
    assert jsonschema.Draft7Validator(schema).is_valid(document(MINI / "relations.yaml"))


def test_the_readme_s_editor_line_is_a_comment_kgraph_accepts(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(x for x in readme.splitlines() if x.startswith("# yaml-language-server: $schema="))
    assert line == "# yaml-language-server: $schema=../schema.json"
    data = tmp_path / "data"
    shutil.copytree(MINI, data)
    for name in ("entities.yaml", "relations.yaml"):
        (data / name).write_text(line + "\n" + (MINI / name).read_text(encoding="utf-8"), encoding="utf-8")
    assert run_cli("schema", "-o", str(tmp_path / "schema.json"), data=data).code == 0  # where the line points
    assert run_cli("validate", data=data).out.startswith("ok: 8 entities, 6 relations")


def test_the_schema_knows_every_field_the_loader_takes(validator: jsonschema.Draft7Validator) -> None:
    """A field the loader accepts and the schema refuses would underline correct records."""
    from kgraph.load import RELATION_FIELDS
    from kgraph.vocab import COMMON_ENTITY_FIELDS

    assert sorted(validator.schema["definitions"]["relation"]["properties"]) == sorted(RELATION_FIELDS)
    assert sorted(validator.schema["definitions"]["entity"]["properties"]) == sorted(COMMON_ENTITY_FIELDS)
