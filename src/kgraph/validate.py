"""Cross-record checks: ids, references, types, dates, quotes, cycles."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kgraph.errors import Problem
from kgraph.model import Dataset, Entity, Location, Relation, TimedAlias
from kgraph.suggest import did_you_mean
from kgraph.textmatch import FRAGMENT_SPAN, SourceText, fragments, normalize
from kgraph.vocab import is_valid_id
from kgraph.vocabulary import Vocabulary, packaged


def _at(loc: Location | None, message: str, severity: str = "error") -> Problem:
    assert loc is not None
    return Problem(loc.path, loc.line, loc.column, message, severity)


def validate(dataset: Dataset, entities: list[Entity], problems: list[Problem], references: bool = True) -> None:
    """Append every cross-record problem of ``dataset`` to ``problems``.

    ``references=False`` skips the checks that need the entities (used when entities.yaml
    could not be read, so that one broken file does not turn every relation into an error).
    """
    vocabulary = dataset.vocabulary or packaged("core")
    _check_entities(entities, problems, vocabulary)
    if references:
        _check_relations(dataset, problems, vocabulary)
        _check_cycles(dataset, problems, vocabulary)


def _first(first: Location | None, here: Location | None) -> str:
    """Where the first of two clashing records is: its line, with its file when that differs."""
    if first is None:
        return "on line ?"
    if here is not None and here.path == first.path:
        return f"on line {first.line}"
    return f"at {first.path}:{first.line}"


def _check_entities(entities: list[Entity], problems: list[Problem], vocabulary: Vocabulary) -> None:
    seen: dict[str, Entity] = {}
    for entity in entities:
        where = entity.field_locations
        if not is_valid_id(entity.id):
            problems.append(
                _at(
                    where.get("id", entity.location),
                    f"invalid id '{entity.id}': use letters, digits, '-', '_' "
                    "or '.', without spaces (e.g. 'south-korea')",
                )
            )
        if entity.type and entity.type not in vocabulary.types:
            problems.append(
                _at(
                    where.get("type", entity.location),
                    f"unknown type '{entity.type}'" + vocabulary.suggest_type(entity.type),
                )
            )
        if entity.id in seen:
            first = _first(seen[entity.id].location, entity.location)
            problems.append(
                _at(where.get("id", entity.location), f"duplicate id '{entity.id}' (first defined {first})")
            )
        else:
            seen[entity.id] = entity
    _check_names_in_time(entities, problems)


def _check_names_in_time(entities: list[Entity], problems: list[Problem]) -> None:
    """A warning where one name is held by two entities for periods that may overlap: looked up
    at a date in both, the name is ambiguous (the lookup then lists both). A warning, not an error:
    the texts' own periods often touch (Moscow: the Soviet Union to 1991, Russia from 1991-12)."""
    from kgraph.dates import ranges

    held: dict[str, list[tuple[Entity, TimedAlias, tuple[str, str, str, str]]]] = defaultdict(list)
    for entity in entities:
        for alias in entity.timed_aliases:
            days = ranges(str(alias.period), None, None)
            assert days is not None
            for other, other_alias, other_days in held[alias.name.casefold()]:
                if other.id == entity.id or not (days[0] <= other_days[3] and other_days[0] <= days[3]):
                    continue
                low, high = max(days[0], other_days[0]), min(days[3], other_days[3])
                problems.append(
                    _at(
                        alias.location or entity.location,
                        f"name '{alias.name}' ({alias.period}) may overlap the same name of "
                        f"'{other.id}' ({other_alias.period}) from {low} to {high}: looked up at "
                        "a date then, it names both",
                        "warning",
                    )
                )
            held[alias.name.casefold()].append((entity, alias, days))


def entity_names(dataset: Dataset) -> dict[str, str]:
    """Every name of every entity (id first, then label, then aliases), mapped to its id."""
    names: dict[str, str] = {}
    for entity in dataset.entities.values():
        names.setdefault(entity.id, entity.id)
    for entity in dataset.entities.values():
        for name in (entity.label, *entity.aliases, *(a.name for a in entity.timed_aliases)):
            names.setdefault(name, entity.id)
    return names


def _check_relations(
    dataset: Dataset, problems: list[Problem], vocabulary: Vocabulary, duplicates: bool = True, misses: int = 0
) -> int:
    """The per-relation checks; returns how many quotes were not found so far (``misses``: the
    count before these relations, as the incremental build checks one file at a time).
    ``duplicates=False`` leaves the duplicate claims to ``check_duplicates`` over every file."""
    names: dict[str, str] | None = None  # every name of every entity: made for the first unknown one
    texts = {pid: SourceText(t) for pid, t in dataset.texts.items()}
    source_paths = _source_paths(dataset)
    claims = []
    for rel in dataset.relations:
        loc = rel.field_locations
        for role in ("subject", "object"):
            eid = getattr(rel, role)
            if eid not in dataset.entities:
                names = entity_names(dataset) if names is None else names
                problems.append(_at(loc[role], f"unknown entity '{eid}'{did_you_mean(eid, names)}"))
        pred = vocabulary.predicates.get(rel.predicate)
        if pred is None:
            problems.append(
                _at(
                    loc["predicate"],
                    f"unknown predicate '{rel.predicate}'" + vocabulary.suggest_predicate(rel.predicate),
                )
            )
        else:
            for role, allowed in (("subject", pred.subject_types), ("object", pred.object_types)):
                entity = dataset.entities.get(getattr(rel, role))
                if entity and entity.type in vocabulary.types and not vocabulary.accepts(allowed, entity.type):
                    problems.append(
                        _at(
                            loc[role],
                            f"'{rel.predicate}' does not take a {entity.type} as "
                            f"{role} ('{entity.id}'); it takes {', '.join(allowed)}",
                        )
                    )
            if rel.subject == rel.object and not pred.reflexive:
                problems.append(
                    _at(
                        loc["object"],
                        f"'{rel.subject}' {rel.predicate} itself: "
                        f"'{rel.predicate}' does not relate an entity to itself",
                    )
                )
        _check_sources(dataset, rel, problems, vocabulary)
        if not rel.source:
            problems.append(_at(rel.location, _missing_source(rel, texts, source_paths)))
        source = texts.get(rel.source)
        if source is not None and rel.quote:
            places = source.matches(rel.quote)
            if places:
                rel.passage = source.place_passage(places[0])
                rel.anchors, rel.places = source.anchors(places[0]), len(places)
                found = [place[0][0] for place in places]
                _check_evidence(rel, source, found, source_paths.get(rel.source, rel.source), problems)
            else:
                misses += 1
                problems.append(_at(loc["quote"], _quote_miss(rel, texts, source_paths, misses <= _EXPLAINED)))
        if duplicates:
            claims.append(claim(rel))
    if duplicates:
        check_duplicates(claims, problems)
    return misses


Claim = tuple[tuple[str, str, str, str], tuple[object, ...], Location | None]


def claim(rel: Relation) -> Claim:
    """What makes two relations the same claim (subject, predicate, object, folded quote), their
    dates and where the relation is."""
    return (rel.subject, rel.predicate, rel.object, normalize(rel.quote)), (rel.date, rel.start, rel.end), rel.location


def check_duplicates(claims: Iterable[Claim], problems: list[Problem]) -> None:
    """A claim made twice: the same dates make a duplicate, others conflict (reported at the later one)."""
    by_claim: dict[tuple[str, str, str, str], Claim] = {}
    for key, dates, location in claims:
        first = by_claim.get(key)
        if first is None:
            by_claim[key] = (key, dates, location)
            continue
        what = "duplicate relation" if first[1] == dates else "conflicting dates for the same relation"
        problems.append(
            _at(
                location,
                f"{what} '{key[0]} {key[1]} {key[2]}' with the same quote (first {_first(first[2], location)})",
            )
        )


#: A quote with fewer words than this, and shorter than SHORT_CHARS, proves little on its own.
SHORT_WORDS, SHORT_CHARS = 3, 20
#: Misses explained with the nearest passage (each costs a search of the source text).
_EXPLAINED = 50


def _source_paths(dataset: Dataset) -> dict[str, str]:
    """Each publication's text file as the user sees its path (for ``file:line:col`` positions)."""
    import os

    from kgraph.files import display_path

    return {
        pid: display_path(os.path.join(dataset.root, str(dataset.entities[pid].extra.get("text"))))
        for pid in dataset.texts
        if pid in dataset.entities
    }


def _check_evidence(rel: Relation, source: SourceText, found: list[int], path: str, problems: list[Problem]) -> None:
    """Warn about quotes too short to prove anything, or found at more than one place."""
    where = rel.field_locations.get("quote", rel.location)
    folded = normalize(rel.quote)
    if "short" not in rel.quote_ok and len(folded.split()) < SHORT_WORDS and len(folded) < SHORT_CHARS:
        problems.append(
            _at(
                where,
                f'quote "{folded}" is short ({len(folded.split())} word(s)): it may '
                "not show the claim; quote more of the passage, or accept it with "
                "'quote_ok: short'",
                "warning",
            )
        )
    if len(found) > 1 and "repeated" not in rel.quote_ok:
        lines = [source.position(source.original(at, at + 1)[0])[0] for at in found[:9]]
        others = ", ".join(str(line) for line in lines[1:]) + (", ..." if len(found) > 9 else "")
        problems.append(
            _at(
                where,
                f"quote occurs {len(found)} times in {path} (line {lines[0]}, and also "
                f"line(s) {others}): quote more of the passage so it points at one "
                "place, or accept it with 'quote_ok: repeated'",
                "warning",
            )
        )


def _missing_source(rel: Relation, texts: dict[str, SourceText], paths: dict[str, str]) -> str:
    """No ``source:`` and no default: name the text (and its file) that holds the quote, the fix to make."""
    if not texts:
        return (
            "missing 'source:': no publication has a 'text' to check the quote against; give the "
            "publication a 'text' (a file under sources/) and name it in source:"
        )
    holders = [pid for pid, text in texts.items() if text.contains(rel.quote)]
    found = ", ".join(f"'{pid}' ({paths[pid]})" if pid in paths else f"'{pid}'" for pid in holders)
    if len(holders) == 1:
        return f"missing 'source:': the quote is found in {found}; add source: {holders[0]}"
    if holders:
        return f"missing 'source:': the quote is found in {found}; add source: with the one meant"
    return (
        f"missing 'source:': the quote is in none of the source texts "
        f"({', '.join(map(repr, texts))}); add source: with the publication that holds it"
    )


def _quote_miss(rel: Relation, texts: dict[str, SourceText], paths: dict[str, str], explain: bool) -> str:
    elsewhere = [pid for pid, text in texts.items() if pid != rel.source and text.contains(rel.quote)]
    if elsewhere:
        return f"quote is not in source '{rel.source}' but is in '{elsewhere[0]}': set source: {elsewhere[0]}"
    head = f"quote not found in source '{rel.source}'"
    short = rel.quote if len(rel.quote) <= 60 else rel.quote[:57] + "..."
    source = texts[rel.source]
    parts = fragments(rel.quote)
    if len(parts) > 1:  # left-out words: say which part is missing, or that they are too far apart
        missing = next((i for i, part in enumerate(parts) if not source.contains(part)), None)
        if missing is None:
            return (
                f"{head}: its {len(parts)} parts (between the marks of left-out words) are each in "
                f"the text, but not in this order within one paragraph and {FRAGMENT_SPAN} "
                f'characters: "{short}"'
            )
        head = f"{head}: part {missing + 1} of {len(parts)} is not in the text"
        short, rel_quote = parts[missing], parts[missing]
    else:
        rel_quote = rel.quote
    miss = source.nearest(rel_quote) if explain else None
    if miss is None:
        return f'{head}: "{short}"'
    line, column = miss.line, miss.column
    more = f" ({miss.more} more difference(s) after it)" if miss.more else ""
    return (
        f"{head}: it departs from the nearest passage at {paths.get(rel.source, rel.source)}:{line}:"
        f'{column} (differences in brackets): quote "{miss.quote}", text "{miss.text}"{more}'
    )


def _check_sources(dataset: Dataset, rel: Relation, problems: list[Problem], vocabulary: Vocabulary) -> None:
    loc = rel.field_locations
    for field_name, pid in [("source", rel.source), *(("cites", c) for c in rel.cites)]:
        where = loc.get(field_name, rel.location)
        publication = dataset.entities.get(pid)
        if not pid:
            continue  # a missing source is reported by the loader
        if publication is None:
            problems.append(_at(where, f"unknown source '{pid}'" + did_you_mean(pid, list(dataset.entities))))
        elif not vocabulary.is_publication(publication.type):
            problems.append(
                _at(where, f"'{field_name}' must name a {vocabulary.publication.name}; '{pid}' is a {publication.type}")
            )
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
