"""Cross-record checks: ids, references, types, dates, quotes, cycles."""

from __future__ import annotations

import difflib
from collections import defaultdict

from kgraph.errors import Problem
from kgraph.model import Dataset, Entity, Location, Relation
from kgraph.textmatch import SourceText, normalize
from kgraph.vocab import is_valid_id
from kgraph.vocabulary import Vocabulary, packaged


def _at(loc: Location | None, message: str, severity: str = "error") -> Problem:
    assert loc is not None
    return Problem(loc.path, loc.line, loc.column, message, severity)


def suggest(name: str, choices: list[str]) -> str:
    """`` (did you mean 'x'?)`` or an empty string."""
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def validate(dataset: Dataset, entities: list[Entity], problems: list[Problem],
             references: bool = True) -> None:
    """Append every cross-record problem of ``dataset`` to ``problems``.

    ``references=False`` skips the checks that need the entities (used when entities.yaml
    could not be read, so that one broken file does not turn every relation into an error).
    """
    vocabulary = dataset.vocabulary or packaged("core")
    _check_entities(entities, problems, vocabulary)
    if references:
        _check_relations(dataset, problems, vocabulary)
        _check_cycles(dataset, problems, vocabulary)


def _check_entities(entities: list[Entity], problems: list[Problem], vocabulary: Vocabulary) -> None:
    seen: dict[str, Entity] = {}
    for entity in entities:
        where = entity.field_locations
        if not is_valid_id(entity.id):
            problems.append(_at(where.get("id", entity.location), f"invalid id '{entity.id}': use letters, digits, '-', '_' "
                                                 "or '.', without spaces (e.g. 'south-korea')"))
        if entity.type and entity.type not in vocabulary.types:
            problems.append(_at(where.get("type", entity.location), f"unknown type '{entity.type}'"
                                + vocabulary.suggest_type(entity.type)))
        if entity.id in seen:
            first = seen[entity.id].location
            problems.append(_at(where.get("id", entity.location), f"duplicate id '{entity.id}' "
                                                 f"(first defined on line {first.line if first else '?'})"))
        else:
            seen[entity.id] = entity


def _check_relations(dataset: Dataset, problems: list[Problem], vocabulary: Vocabulary) -> None:
    ids = list(dataset.entities)
    label_to_id = {e.label.lower(): e.id for e in dataset.entities.values()}
    texts = {pid: SourceText(t) for pid, t in dataset.texts.items()}
    by_claim: dict[tuple[str, str, str, str], Relation] = {}
    for rel in dataset.relations:
        loc = rel.field_locations
        for role in ("subject", "object"):
            eid = getattr(rel, role)
            if eid not in dataset.entities:
                hint = (f" (did you mean '{label_to_id[eid.lower()]}'?)" if eid.lower() in label_to_id
                        else suggest(eid, ids))
                problems.append(_at(loc[role], f"unknown entity '{eid}'{hint}"))
        pred = vocabulary.predicates.get(rel.predicate)
        if pred is None:
            problems.append(_at(loc["predicate"], f"unknown predicate '{rel.predicate}'"
                                + vocabulary.suggest_predicate(rel.predicate)))
        else:
            for role, allowed in (("subject", pred.subject_types), ("object", pred.object_types)):
                entity = dataset.entities.get(getattr(rel, role))
                if entity and entity.type in vocabulary.types and not vocabulary.accepts(allowed, entity.type):
                    problems.append(_at(loc[role], f"'{rel.predicate}' does not take a {entity.type} as "
                                                   f"{role} ('{entity.id}'); it takes {', '.join(allowed)}"))
            if rel.subject == rel.object and not pred.reflexive:
                problems.append(_at(loc["object"], f"'{rel.subject}' {rel.predicate} itself: "
                                                   f"'{rel.predicate}' does not relate an entity to itself"))
        _check_sources(dataset, rel, problems, vocabulary)
        source = texts.get(rel.source)
        if source is not None and rel.quote and not source.contains(rel.quote):
            problems.append(_at(loc["quote"], _quote_miss(rel, texts)))
        key = (rel.subject, rel.predicate, rel.object, normalize(rel.quote))
        if key in by_claim:
            first = by_claim[key]
            same_dates = (first.date, first.start, first.end) == (rel.date, rel.start, rel.end)
            what = "duplicate relation" if same_dates else "conflicting dates for the same relation"
            where = first.location.line if first.location else "?"
            problems.append(_at(rel.location, f"{what} '{rel.subject} {rel.predicate} {rel.object}' "
                                              f"with the same quote (first on line {where})"))
        else:
            by_claim[key] = rel


def _quote_miss(rel: Relation, texts: dict[str, SourceText]) -> str:
    elsewhere = [pid for pid, text in texts.items() if pid != rel.source and text.contains(rel.quote)]
    if elsewhere:
        return f"quote is not in source '{rel.source}' but is in '{elsewhere[0]}': set source: {elsewhere[0]}"
    short = rel.quote if len(rel.quote) <= 60 else rel.quote[:57] + "..."
    return f"quote not found in source '{rel.source}': \"{short}\""


def _check_sources(dataset: Dataset, rel: Relation, problems: list[Problem], vocabulary: Vocabulary) -> None:
    loc = rel.field_locations
    for field_name, pid in [("source", rel.source), *(("cites", c) for c in rel.cites)]:
        where = loc.get(field_name, rel.location)
        publication = dataset.entities.get(pid)
        if not pid:
            continue  # a missing source is reported by the loader
        if publication is None:
            problems.append(_at(where, f"unknown source '{pid}'" + suggest(pid, list(dataset.entities))))
        elif not vocabulary.is_publication(publication.type):
            problems.append(_at(where, f"'{field_name}' must name a {vocabulary.publication.name}; "
                                       f"'{pid}' is a {publication.type}"))
        elif field_name == "source" and pid not in dataset.texts and not publication.extra.get("text"):
            problems.append(_at(where, f"source '{pid}' has no 'text' to check the quote against"))


def _check_cycles(dataset: Dataset, problems: list[Problem], vocabulary: Vocabulary) -> None:
    edges: dict[str, dict[str, list[Relation]]] = defaultdict(lambda: defaultdict(list))
    for rel in dataset.relations:
        pred = vocabulary.predicates.get(rel.predicate)
        if pred and pred.acyclic and rel.subject != rel.object:
            edges[rel.predicate][rel.subject].append(rel)
    for predicate, graph in edges.items():
        reported: set[str] = set()
        for start in sorted(graph):
            cycle = _find_cycle(graph, start)
            if cycle and not (set(cycle) & reported):
                reported.update(cycle)
                first = graph[cycle[0]][0]
                chain = " -> ".join([*cycle, cycle[0]])
                problems.append(_at(first.location, f"cycle in '{predicate}': {chain}"))


def _find_cycle(graph: dict[str, list[Relation]], start: str) -> list[str] | None:
    stack = [(start, [start])]
    while stack:
        node, path = stack.pop()
        for rel in graph.get(node, []):
            if rel.object == start:
                return path
            if rel.object not in path:
                stack.append((rel.object, [*path, rel.object]))
    return None
