"""Read the entity and relation files into records, checking each record's shape.

The files are ``entities.yaml`` and ``relations.yaml`` and/or the YAML files under ``entities/``
and ``relations/`` (datafiles.py decides which).

Every problem is collected with its file, line and column; cross-record checks live in validate.py.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from kgraph.dates import Edtf, PartialDate
from kgraph.errors import DataError, Problem
from kgraph.files import display_path, read_text
from kgraph.model import Dataset, Entity, Location, Quantity, Relation, TimedAlias
from kgraph.suggest import did_you_mean
from kgraph.vocab import STATUSES
from kgraph.yamlnodes import Node, read_yaml

TYPE_CHECKING = False
if TYPE_CHECKING:
    from kgraph.vocabulary import Field, Vocabulary

ENTITIES_FILE = "entities.yaml"
RELATIONS_FILE = "relations.yaml"

RELATION_FIELDS = (
    "subject",
    "predicate",
    "object",
    "quote",
    "source",
    "date",
    "start",
    "end",
    "note",
    "kind",
    "status",
    "cites",
    "footnote",
    "quantities",
    "quote_ok",
)
RELATION_KINDS = ("fact", "assessment")
#: Whether a claim happened: ``actual`` (the default), or what the text says instead. Paths,
#: rankings, timelines and the direct triples use only actual claims unless asked.
RELATION_STATUSES = tuple(STATUSES)
#: What ``quote_ok:`` may accept: a short quote, a quote that occurs more than once in its source.
QUOTE_OK = ("short", "repeated")
QUANTITY_FIELDS = ("value", "min", "max", "approximate", "unit", "of")
#: Fields of an alias held for a period: ``{name: Moscow, date: 1922/1991}`` or with start/end.
ALIAS_FIELDS = ("name", "date", "start", "end")
#: Keys of a relation file's mapping form.
FILE_FIELDS = ("source", "relations")


class _Record:
    """Typed access to one mapping, reporting problems at the right place."""

    def __init__(self, path: str, node: Node, problems: list[Problem]) -> None:
        self.path, self.node, self.problems = path, node, problems
        self.fields: dict[str, Node] = node.value

    def problem(self, where: Node | tuple[int, int], message: str) -> None:
        line, col = (where.line, where.column) if isinstance(where, Node) else where
        self.problems.append(Problem(self.path, line, col, message))

    def location(self, name: str | None = None) -> Location:
        node = self.fields.get(name) if name else None
        node = node or self.node
        return Location(self.path, node.line, node.column)

    def check_fields(self, allowed: tuple[str, ...] | set[str], what: str) -> None:
        assert self.node.key_marks is not None
        for name, mark in self.node.key_marks.items():
            if name not in allowed:
                tip = did_you_mean(name, list(allowed)) or f"; allowed: {', '.join(sorted(allowed))}"
                self.problem(mark, f"unknown field '{name}' in {what}{tip}")

    def text(self, name: str, required: bool = False) -> str | None:
        node = self.fields.get(name)
        if node is not None and node.kind == "invalid":
            return None  # already reported
        if node is None or node.kind == "null":
            if required:
                where = node or self.node
                self.problem(
                    where, f"missing required field '{name}'" if node is None else f"field '{name}' is empty (null)"
                )
            return None
        if node.kind != "str":
            self.problem(node, f"field '{name}' must be text, not {_describe(node)}")
            return None
        if required and not node.value.strip():
            self.problem(node, f"field '{name}' is empty")
            return None
        return str(node.value)

    def texts(self, name: str) -> list[str]:
        """A list of texts; a single text is accepted as a one-item list."""
        node = self.fields.get(name)
        if node is None or node.kind == "null":
            return []
        items = node.value if node.kind == "list" else [node]
        out = []
        for item in items:
            if item.kind in ("str", "int") and str(item.value).strip():
                out.append(str(item.value))
            elif item.kind != "invalid":
                self.problem(item, f"field '{name}' must hold text, not {_describe(item)}")
        return out

    def date(self, name: str) -> Edtf | None:
        """An EDTF date (dates.py); only ``date`` may hold an interval (``start``/``end`` are its ends)."""
        node = self.fields.get(name)
        if node is None or node.kind in ("null", "invalid"):
            return None
        if node.kind not in ("str", "int"):
            self.problem(
                node, f"field '{name}' must be a date like 1884-07-07, 1895-04, 1961 or 1896~, not {_describe(node)}"
            )
            return None
        try:
            return Edtf.parse(str(node.value), interval=name == "date")
        except ValueError as exc:
            self.problem(node, f"field '{name}': {exc}")
            return None

    def scalar(self, name: str) -> Any:
        node = self.fields.get(name)
        if node is None or node.kind == "invalid":
            return None
        if node.kind in ("list", "map"):
            self.problem(node, f"field '{name}' must be a single value, not {_describe(node)}")
            return None
        return node.value


def _describe(node: Node) -> str:
    return {
        "invalid": "an invalid value",
        "list": "a list",
        "map": "a mapping",
        "int": "a number",
        "float": "a number",
        "bool": "true/false",
        "null": "null",
        "str": "text",
    }[node.kind]


def _records(path: str, root: Node | None, what: str, problems: list[Problem]) -> list[_Record]:
    if root is None:
        return []
    if root.kind == "invalid":
        return []
    if root.kind != "list":
        problems.append(
            Problem(
                path,
                root.line,
                root.column,
                f"the file must be a list of {what} records (- id: ...), not {_describe(root)}",
            )
        )
        return []
    records = []
    for item in root.value:
        if item.kind == "invalid":
            continue  # already reported (a refused tag or an alias)
        if item.kind != "map":
            problems.append(
                Problem(path, item.line, item.column, f"each {what} must be a mapping of fields, not {_describe(item)}")
            )
            continue
        records.append(_Record(path, item, problems))
    return records


def _entity(rec: _Record, vocabulary: Vocabulary) -> Entity | None:
    type_name = rec.text("type", required=True)
    extra_fields = vocabulary.fields(type_name) if type_name in vocabulary.types else {}
    rec.check_fields((*vocabulary.entity_fields(""), *extra_fields), f"a {type_name or 'entity'} record")
    entity_id, label = rec.text("id", required=True), rec.text("label", required=True)
    extra: dict[str, Any] = {}
    for name, spec in extra_fields.items():
        if name in rec.fields:
            value = rec.texts(name) if spec.many else _field_value(rec, spec)
            if value is not None:
                extra[name] = value
    if "same_as" in rec.fields:
        extra["same_as"] = rec.texts("same_as")
    entity = Entity(
        id=entity_id or "",
        type=type_name or "",
        label=label or "",
        aliases=[],
        description=rec.text("description"),
        date=rec.date("date"),
        start=rec.date("start"),
        end=rec.date("end"),
        extra=extra,
        location=rec.location(),
    )
    entity.aliases, entity.timed_aliases = _aliases(rec)
    entity.field_locations = {name: rec.location(name) for name in rec.fields}
    _check_interval(rec, entity.date, entity.start, entity.end)
    # Keep an incomplete entity (its problems are reported) so references to it do not cascade.
    return entity if entity_id else None


_RANGE_WORDS = {
    "integer": "a whole number",
    "decimal": "a number",
    "boolean": "true or false",
    "date": "a date like 1884-07-07, 1895-04 or 1961",
    "gYear": "a year like 1961",
    "gYearMonth": "a month like 1895-04",
    "anyURI": "an absolute URI like https://example.org/",
}


def _field_value(rec: _Record, spec: Field) -> Any:
    """A declared field's value, checked against its range (the literal compile.py writes)."""
    value = rec.scalar(spec.name)
    if value is None or spec.range == "string":
        return value
    node = rec.fields[spec.name]
    ok = False
    if spec.range == "integer":
        ok = node.kind == "int" or (node.kind == "str" and str(value).lstrip("-").isdigit())
    elif spec.range == "decimal":
        try:
            ok = node.kind in ("int", "float", "str") and Decimal(str(value)).is_finite()
        except InvalidOperation:
            ok = False
    elif spec.range == "boolean":
        ok = node.kind == "bool"
    elif spec.range == "anyURI":
        ok = node.kind == "str" and bool(_URI.match(str(value)))
    else:
        try:
            parsed = PartialDate.parse(str(value))
            ok = spec.range == "date" or parsed.xsd_type == spec.range
        except ValueError:
            ok = False
    if not ok:
        rec.problem(node, f"field '{spec.name}' must be {_RANGE_WORDS[spec.range]}, not '{value}'")
        return None
    return value


_URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$")


def _relation(rec: _Record, default: tuple[str | None, Location | None] | None) -> Relation | None:
    """A relation record; ``default`` is the source (and where it is set) for records without one."""
    rec.check_fields(RELATION_FIELDS, "a relation")
    subject, predicate, obj = (rec.text(n, required=True) for n in ("subject", "predicate", "object"))
    node = rec.fields.get("quote")
    if node is not None and node.cut:
        stump = f'the quote ends at "{node.value[-30:]}"' if node.value else "the quote is empty"
        rec.problem(
            node.cut,
            f"the quote is cut short at '#': YAML reads ' #' as the start of a comment, so "
            f'{stump}; put the quote in quotes (quote: "...") or move the comment to a '
            "line of its own",
        )
        quote = None
    else:
        quote = rec.text("quote", required=True)
    source = rec.text("source")
    kind = rec.text("kind") or "fact"
    if kind not in RELATION_KINDS:
        rec.problem(rec.fields["kind"], f"field 'kind' must be one of {', '.join(RELATION_KINDS)}, not '{kind}'")
    status = rec.text("status") or "actual"
    if status not in RELATION_STATUSES:
        rec.problem(
            rec.fields["status"],
            f"unknown status '{status}'"
            + (did_you_mean(status, RELATION_STATUSES) or f"; choose one of {', '.join(RELATION_STATUSES)}"),
        )
    quote_ok = rec.texts("quote_ok")
    for item in quote_ok:
        if item not in QUOTE_OK:
            rec.problem(rec.fields["quote_ok"], f"field 'quote_ok' takes {' or '.join(QUOTE_OK)}, not '{item}'")
    footnotes = []
    for item in rec.texts("footnote"):
        if item.isdigit():
            footnotes.append(int(item))
        else:
            rec.problem(rec.fields["footnote"], f"field 'footnote' must be a footnote number, not '{item}'")
    relation = Relation(
        subject=subject or "",
        predicate=predicate or "",
        object=obj or "",
        quote=quote or "",
        source=source or "",
        date=rec.date("date"),
        start=rec.date("start"),
        end=rec.date("end"),
        note=rec.text("note"),
        kind=kind,
        status=status,
        cites=rec.texts("cites"),
        footnotes=footnotes,
        quantities=_quantities(rec),
        quote_ok=quote_ok,
        location=rec.location(),
        field_locations={name: rec.location(name) for name in rec.fields},
    )
    if not source and default is not None and default[0]:
        relation.source = default[0]
        if default[1] is not None:  # a file's own source: problems with it point there
            relation.field_locations["source"] = default[1]
    _check_interval(rec, relation.date, relation.start, relation.end)
    return relation if subject and predicate and obj and quote else None


def _aliases(rec: _Record) -> tuple[list[str], list[TimedAlias]]:
    """An entity's names for all time (plain texts) and for a period (``{name: ..., date: ...}``)."""
    node = rec.fields.get("aliases")
    if node is None or node.kind == "null":
        return [], []
    plain: list[str] = []
    timed: list[TimedAlias] = []
    for item in node.value if node.kind == "list" else [node]:
        if item.kind in ("str", "int") and str(item.value).strip():
            plain.append(str(item.value))
        elif item.kind == "map":
            alias = _Record(rec.path, item, rec.problems)
            alias.check_fields(ALIAS_FIELDS, "an alias")
            name = alias.text("name", required=True)
            date, start, end = alias.date("date"), alias.date("start"), alias.date("end")
            _check_interval(alias, date, start, end)
            if date is None and start is None and end is None:
                if name and not any(k in alias.fields for k in ("date", "start", "end")):
                    alias.problem(
                        item,
                        "an alias given as a mapping needs its period: date (1922/1991) "
                        "or start/end; a name for all time is plain text",
                    )
                continue
            if name:
                period = date or Edtf.parse(f"{start or '..'}/{end or '..'}")
                timed.append(TimedAlias(name, period, alias.location()))
        elif item.kind != "invalid":
            rec.problem(
                item,
                f"field 'aliases' must hold names (text, or {{name: ..., date: ...}} for a "
                f"period), not {_describe(item)}",
            )
    return plain, timed


def _quantities(rec: _Record) -> list[Quantity]:
    node = rec.fields.get("quantities")
    if node is None or node.kind == "null":
        return []
    items = node.value if node.kind == "list" else [node]
    out = []
    for item in items:
        if item.kind != "map":
            rec.problem(item, f"each quantity must be a mapping (value or min/max, unit, of), not {_describe(item)}")
            continue
        q = _Record(rec.path, item, rec.problems)
        q.check_fields(QUANTITY_FIELDS, "a quantity")
        unit = q.text("unit", required=True)
        numbers = {name: _number(q, name) for name in ("value", "min", "max") if name in q.fields}
        if None in numbers.values():
            continue  # reported
        if not numbers:
            q.problem(
                item,
                "a quantity needs a 'value', or the bounds the text gives ('min', 'max'), "
                'such as {max: 1000000, unit: USD} for "less than $1 million"',
            )
            continue
        if "value" in numbers and len(numbers) > 1:
            bound = "min" if "min" in numbers else "max"
            q.problem(
                q.fields[bound],
                "give either 'value' or 'min'/'max', not both (a bound is not a value: "
                '"less than $1 million" is max: 1000000)',
            )
            continue
        low, high = numbers.get("min"), numbers.get("max")
        if low is not None and high is not None and low > high:
            q.problem(q.fields["max"], f"max {_plain(high)} is below min {_plain(low)}")
            continue
        approximate = q.scalar("approximate")
        if approximate is not None and not isinstance(approximate, bool):
            q.problem(q.fields["approximate"], f"field 'approximate' must be true or false, not '{approximate}'")
            continue
        if unit:
            value = numbers.get("value")
            out.append(
                Quantity(
                    None if value is None else _plain(value),
                    unit,
                    q.text("of"),
                    bool(approximate),
                    None if low is None else _plain(low),
                    None if high is None else _plain(high),
                )
            )
    return out


def _number(q: _Record, name: str) -> Decimal | None:
    """A quantity's number field as an exact decimal; None (reported) when it is not a number."""
    value = q.scalar(name)
    try:
        decimal = Decimal(str(value)) if value is not None and not isinstance(value, bool) else None
    except InvalidOperation:
        decimal = None
    if decimal is None or not decimal.is_finite():
        q.problem(q.fields[name], f"field '{name}' must be a number, such as 1.2e9 or 90")
        return None
    return decimal


def _plain(number: Decimal) -> str:
    """The decimal as the graph writes it (no exponent, no trailing zeros)."""
    return format(number.normalize(), "f")


def _check_interval(rec: _Record, date: Edtf | None, start: Edtf | None, end: Edtf | None) -> None:
    if date and (start or end):
        rec.problem(rec.fields["date"], "give either 'date' or 'start'/'end', not both")
    last, first = (end.latest if end else None), (start.earliest if start else None)
    if last and first and last < first:
        rec.problem(rec.fields["end"], f"end {end} is before start {start}")


def load(data_dir: str, vocabulary: Vocabulary | None = None, built: dict[str, Any] | None = None) -> Dataset:
    """Load and validate a data folder; raise DataError listing every problem found.

    ``vocabulary``: the project's (read from the folder's vocabulary.yaml when not given).
    ``built``: the quotes' places the last build recorded (anchors.record), to report the quotes
    a changed source text moved or lost.
    """
    from kgraph.timing import gc_paused

    with gc_paused():
        return _load(data_dir, vocabulary, built)


def _load(data_dir: str, vocabulary: Vocabulary | None, built: dict[str, Any] | None = None) -> Dataset:
    from kgraph import datafiles
    from kgraph.validate import validate
    from kgraph.vocabulary import load_vocabulary

    problems: list[Problem] = []
    if not os.path.isdir(data_dir):
        raise DataError(
            [Problem(display_path(data_dir), 0, 0, "data folder not found (give --data DIR or set KGRAPH_DATA)")]
        )
    if vocabulary is None:
        # Vocabulary problems come alone: checked against a broken vocabulary, every record would err.
        vocabulary = load_vocabulary(data_dir)
    files = datafiles.find(data_dir, display_path(data_dir))
    problems.extend(files.unread)
    digests: dict[str, str] = {}
    entity_roots = [_read_file(path, ENTITIES_FILE, problems, digests) for path in files.entities]
    entity_records = [rec for path, root in entity_roots for rec in _records(path, root, "entity", problems)]
    # When the entities cannot be read as lists of records, every reference in the relations
    # would be "unknown": check only the shape of the relations and report the real cause.
    entities_readable = all(root is not None and root.kind == "list" for _, root in entity_roots)
    entities_list = [e for e in (_entity(r, vocabulary) for r in entity_records) if e]
    text_files: dict[str, tuple[str, str]] = {}
    texts = _load_texts(data_dir, entities_list, problems, vocabulary, digests, text_files)
    # The default source is the one publication that declares a text, even when that text could
    # not be read (that is reported once, on the publication, not again on every relation).
    with_text = [e.id for e in entities_list if vocabulary.is_publication(e.type) and e.extra.get("text")]
    project_source = with_text[0] if len(with_text) == 1 else None
    relations: list[Relation] = []
    for path in files.relations:
        shown, root = _read_file(path, RELATIONS_FILE, problems, digests)
        root, file_source = _file_source(shown, root, problems)
        default = (
            (file_source.value, Location(shown, file_source.line, file_source.column))
            if file_source
            else (project_source, None)
            if project_source
            else None
        )
        relations.extend(
            r for r in (_relation(rec, default) for rec in _records(shown, root, "relation", problems)) if r
        )
    entities: dict[str, Entity] = {}
    for entity in entities_list:
        entities.setdefault(entity.id, entity)
    dataset = Dataset(
        root=data_dir,
        entities=entities,
        relations=relations,
        texts=texts,
        vocabulary=vocabulary,
        files=digests,
        text_files=text_files,
    )
    validate(dataset, entities_list, problems, references=entities_readable)
    if built and entities_readable:
        from kgraph.anchors import compare

        dataset.moved = compare(dataset, built)
        problems.extend(dataset.moved)
    dataset.warnings = sorted(p for p in problems if p.severity != "error")
    if any(p.severity == "error" for p in problems):
        raise DataError(problems)
    return dataset


def _read_file(path: str, kind: str, problems: list[Problem], digests: dict[str, str]) -> tuple[str, Node | None]:
    """One record file as composed nodes (None when empty or unreadable, with the reason given)."""
    shown = display_path(path)
    before = len(problems)
    text = read_text(path, problems, digests)
    root = read_yaml(shown, text, problems, frozenset({"quote"})) if text is not None else None
    if root is None and len(problems) == before:
        # An empty file (or only comments): say so rather than report nothing or cascade.
        problems.append(
            Problem(
                shown,
                1,
                1,
                "the file holds no records (it is empty); "
                + (
                    "add the entities (- id: ..., type: ..., label: ...)"
                    if kind == ENTITIES_FILE
                    else "add relations (- subject: ..., predicate: ..., object: ..., quote: ...)"
                ),
                "error" if kind == ENTITIES_FILE else "warning",
            )
        )
    return shown, root


def _file_source(path: str, root: Node | None, problems: list[Problem]) -> tuple[Node | None, Node | None]:
    """Split a relation file's mapping form (``source: ID`` and ``relations: [...]``).

    The plain list form has no file-wide source; a mapping must hold ``relations`` and may hold
    ``source``, the publication of every record in the file that does not name its own.
    """
    if root is None or root.kind != "map":
        return root, None
    rec = _Record(path, root, problems)
    rec.check_fields(FILE_FIELDS, "a relation file")
    if "relations" not in rec.fields:
        rec.problem(
            root,
            "the file must be a list of relation records (- subject: ...), or a mapping "
            "with 'relations:' (the list) and an optional 'source:' for all of them",
        )
        return None, None
    source = rec.fields.get("source")
    if source is not None and rec.text("source", required=True) is None:
        source = None
    return rec.fields["relations"], source


def _load_texts(
    data_dir: str,
    entities: list[Entity],
    problems: list[Problem],
    vocabulary: Vocabulary,
    digests: dict[str, str],
    files: dict[str, tuple[str, str]],
) -> dict[str, str]:
    """The publications' texts; ``files`` receives each one's path (as its ``text:`` gives it) and hash."""
    texts = {}
    for entity in entities:
        rel = entity.extra.get("text")
        if not vocabulary.is_publication(entity.type) or not rel:
            continue
        found: list[Problem] = []
        text = read_text(os.path.join(data_dir, str(rel)), found, digests)
        if text is not None:
            texts[entity.id] = text
            files[entity.id] = (str(rel), digests[os.path.abspath(os.path.join(data_dir, str(rel)))])
        elif entity.location:
            reason = found[0].message if found else "cannot be read"
            problems.append(
                Problem(
                    entity.location.path,
                    entity.location.line,
                    entity.location.column,
                    f"source text '{rel}' of '{entity.id}': {reason}",
                )
            )
    return texts
