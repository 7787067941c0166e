"""Inter-annotator agreement between two annotations of the same text(s) (``kgraph agree``).

A relation of B matches one of A when subject, predicate and object are the same (and, with
``match_date``, the date). Relations are counted as a multiset: a claim annotated twice, from two
passages, must be matched twice. Within one key, versions pair by the most overlapping quotes.

Precision is matched / relations of B, recall matched / relations of A (A is the reference).
Cohen's kappa is computed over *items*: every (subject, object) pair (with ``match_date``, every
(subject, object, date)) that either side annotates; each side's category for an item is the set
of predicates it gives the pair (one predicate id, or several joined by ``+``) or ``none``. Pairs
neither side annotated are not counted (there are too many to list), so kappa here measures
agreement on what was annotated, not on what was left out.

Kappa is a few lines of arithmetic (:func:`cohen_kappa`), written here rather than imported:
scikit-learn or statsmodels would bring numpy and scipy (tens of megabytes) for one formula, and
``krippendorff`` needs numpy too; the formula is tested against a hand computation.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kgraph.diff import Side
    from kgraph.model import Dataset, Relation
    from kgraph.textmatch import SourceText

NONE = "none"


@dataclass
class Claim:
    """One relation as the agreement report names it."""

    id: str  # subject predicate object (date)
    label: str  # Vladimir Putin met Kim Jong-il
    where: str  # file:line
    quote: str
    date: str | None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "where": self.where, "quote": self.quote, "date": self.date}


@dataclass
class PairDisagreement:
    """A (subject, object[, date]) item the two sides put in different categories (kappa's misses)."""

    id: str  # subject object (date)
    label: str  # Korea -> Russian-Korean Treaty of 1884
    a: str  # A's predicates, or "none"
    b: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "a": self.a, "b": self.b}


@dataclass
class Agreement:
    """The agreement of B with A. Ratios are None where their denominator is zero."""

    a: str
    b: str
    match_date: bool
    a_relations: int
    b_relations: int
    matched: int
    precision: float | None
    recall: float | None
    f1: float | None
    kappa: float | None
    kappa_items: int
    #: Characters where the two quotes of matched relations overlap, and their union, summed over
    #: the matched pairs whose quotes were both found in the same source text.
    overlap_chars: int
    union_chars: int
    quote_pairs: int
    only_a: list[Claim] = field(default_factory=list)
    only_b: list[Claim] = field(default_factory=list)
    pairs: list[PairDisagreement] = field(default_factory=list)

    @property
    def quote_overlap(self) -> float | None:
        return self.overlap_chars / self.union_chars if self.union_chars else None

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "match_date": self.match_date,
            "relations": {"a": self.a_relations, "b": self.b_relations, "matched": self.matched},
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
            "kappa": self.kappa,
            "kappa_items": self.kappa_items,
            "quote_overlap": {
                "pairs": self.quote_pairs,
                "overlap_chars": self.overlap_chars,
                "union_chars": self.union_chars,
                "ratio": self.quote_overlap,
            },
            "only_a": [c.to_json() for c in self.only_a],
            "only_b": [c.to_json() for c in self.only_b],
            "pairs": [p.to_json() for p in self.pairs],
        }


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa of two raters' categories for the same items; None when it is undefined
    (no items, or both raters always give one and the same category: chance agreement is 1).

    >>> cohen_kappa(["x", "x", "y", "y"], ["x", "y", "y", "y"])
    0.5
    """
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    n = len(a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(a, b)) / n
    expected = sum(a.count(c) * b.count(c) for c in set(a) | set(b)) / (n * n)
    if expected == 1:
        return None
    return (observed - expected) / (1 - expected)


def quote_spans(source: SourceText, quote: str) -> list[list[tuple[int, int]]]:
    """Every place ``quote`` stands in the source, each as the (start, end) code-point offsets of
    its parts (one part, or several for a quote with left-out words), found as kgraph matches
    quotes (see textmatch)."""
    return [source.anchors(place) for place in source.matches(quote)]


def _overlap(places_a: list[list[tuple[int, int]]], places_b: list[list[tuple[int, int]]]) -> tuple[int, int] | None:
    """(overlap, union) in characters of the best-overlapping places; None when either quote was
    not found. The words a quote leaves out are not part of it, so they count on neither side."""
    best: tuple[int, int] | None = None
    for parts_a in places_a:
        for parts_b in places_b:
            inter = sum(max(0, min(ea, eb) - max(sa, sb)) for sa, ea in parts_a for sb, eb in parts_b)
            union = sum(e - s for s, e in parts_a) + sum(e - s for s, e in parts_b) - inter
            if best is None or (inter, -union) > (best[0], -best[1]):
                best = (inter, union)
    return best


def agree(a: Dataset, b: Dataset, side_a: Side, side_b: Side, match_date: bool = False) -> Agreement:
    """How far annotation B agrees with annotation A (the reference)."""
    from kgraph.diff import _where, relation_label

    def key(rel: Relation) -> tuple[str, ...]:
        base = (rel.subject, rel.predicate, rel.object)
        return (*base, str(rel.date or "")) if match_date else base

    prepared: dict[tuple[int, str], SourceText] = {}

    def spans(rel: Relation, dataset: Dataset) -> list[list[tuple[int, int]]]:
        from kgraph.textmatch import SourceText

        text = dataset.texts.get(rel.source)
        if text is None:
            return []
        place = (id(dataset), rel.source)
        if place not in prepared:
            prepared[place] = SourceText(text)
        return quote_spans(prepared[place], rel.quote)

    groups: dict[tuple[str, ...], tuple[list[Relation], list[Relation]]] = {}
    for index, dataset in enumerate((a, b)):
        for rel in dataset.relations:
            groups.setdefault(key(rel), ([], []))[index].append(rel)
    matched = overlap_chars = union_chars = quote_pairs = 0
    only_a: list[Claim] = []
    only_b: list[Claim] = []
    for k, (in_a, in_b) in groups.items():
        scored = []
        for i, ra in enumerate(in_a):
            for j, rb in enumerate(in_b):
                found = _overlap(spans(ra, a), spans(rb, b)) if ra.source == rb.source else None
                scored.append((-(found[0] if found else -1), i, j, found))
        scored.sort(key=lambda s: s[:3])
        used_a: set[int] = set()
        used_b: set[int] = set()
        for _score, i, j, found in scored:
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            matched += 1
            if found is not None:
                quote_pairs += 1
                overlap_chars += found[0]
                union_chars += found[1]
        claim_id = " ".join(x for x in k if x)
        only_a += [
            Claim(claim_id, relation_label(r, a), _where(r.location, side_a), r.quote, str(r.date) if r.date else None)
            for i, r in enumerate(in_a)
            if i not in used_a
        ]
        only_b += [
            Claim(claim_id, relation_label(r, b), _where(r.location, side_b), r.quote, str(r.date) if r.date else None)
            for j, r in enumerate(in_b)
            if j not in used_b
        ]
    n_a, n_b = len(a.relations), len(b.relations)
    precision = matched / n_b if n_b else None
    recall = matched / n_a if n_a else None
    f1 = None
    if precision is not None and recall is not None:
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    kappa, items, pairs = _kappa(a, b, match_date)

    def order(c: Any) -> tuple[str, str, str]:
        return (c.label.casefold(), c.id, c.where)

    return Agreement(
        side_a.name,
        side_b.name,
        match_date,
        n_a,
        n_b,
        matched,
        precision,
        recall,
        f1,
        kappa,
        items,
        overlap_chars,
        union_chars,
        quote_pairs,
        sorted(only_a, key=order),
        sorted(only_b, key=order),
        pairs,
    )


def kappa_items(dataset: Dataset, match_date: bool) -> dict[tuple[str, ...], str]:
    """Each (subject, object[, date]) the dataset annotates, and its category: the sorted
    predicates joined by '+'."""
    found: dict[tuple[str, ...], set[str]] = {}
    for rel in dataset.relations:
        item = (rel.subject, rel.object, str(rel.date or "")) if match_date else (rel.subject, rel.object)
        found.setdefault(item, set()).add(rel.predicate)
    return {item: "+".join(sorted(preds)) for item, preds in found.items()}


def _kappa(a: Dataset, b: Dataset, match_date: bool) -> tuple[float | None, int, list[PairDisagreement]]:
    """Kappa over the items either side annotates, their number, and the items the sides disagree on."""
    from kgraph.diff import entity_label

    cat_a, cat_b = kappa_items(a, match_date), kappa_items(b, match_date)
    items = sorted(cat_a.keys() | cat_b.keys())
    rated_a, rated_b = [cat_a.get(i, NONE) for i in items], [cat_b.get(i, NONE) for i in items]
    pairs = []
    for item, x, y in zip(items, rated_a, rated_b):
        if x != y:
            label = f"{entity_label(a, b, item[0])} \u2192 {entity_label(a, b, item[1])}"
            pairs.append(
                PairDisagreement(
                    " ".join(v for v in item if v), label + (f" ({item[2]})" if len(item) > 2 and item[2] else ""), x, y
                )
            )
    pairs.sort(key=lambda p: (p.label.casefold(), p.id))
    return cohen_kappa(rated_a, rated_b), len(items), pairs
