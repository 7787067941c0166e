#!/usr/bin/env python3
"""Write a valid kgraph data folder of any size: a synthetic political graph for benchmarks.

    python bench/generate.py --relations 10000 --seed 1 --out /tmp/kg10k

Entities of every type; relations of many predicates with dates (day, month or year precision,
some as start/end intervals) and quotes taken from generated source texts (one publication per
1,000 relations), so `kgraph validate` passes. A few hub actors take part in many relations, a
chain of successor organisations gives property paths work, and two chains of people who met
only their neighbours put `chain-a-end` and `chain-b-end` far apart for `kgraph path`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from kgraph.vocabulary import packaged  # noqa: E402

POLITICS = packaged("politics")
PREDICATES = POLITICS.predicates

RELATIONS_PER_TEXT = 1000
CHAIN = 40
NAMES = [
    "Adams",
    "Baker",
    "Chen",
    "Dmitriev",
    "Evans",
    "Fischer",
    "Garcia",
    "Hwang",
    "Ivanov",
    "Jones",
    "Kim",
    "Lee",
    "Moreau",
    "Nakamura",
    "Orlov",
    "Park",
    "Quinn",
    "Rossi",
    "Sato",
    "Tanaka",
]
SKIP = {"successorOf", "authorOf", "publisherOf"}  # chains and publications are made on purpose


def q(text: str) -> str:
    """A YAML double-quoted scalar (JSON's escapes are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def counts(relations: int) -> dict[str, int]:
    return {
        "State": max(20, relations // 100),
        "Person": max(30, relations // 10),
        "Organization": max(CHAIN + 5, relations // 50),
        "Treaty": max(10, relations // 50),
        "Event": max(10, relations // 50),
        "Project": max(5, relations // 100),
        "Place": max(10, relations // 50),
    }


def pick(rng: random.Random, items: list[str]) -> str:
    """Skewed choice: low indices (the hubs) are chosen far more often."""
    return items[int(len(items) * rng.random() ** 3)]


def date_fields(rng: random.Random) -> dict[str, str]:
    year = rng.randint(1900, 2020)
    month, day = rng.randint(1, 12), rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.4:
        return {"date": f"{year}-{month:02d}-{day:02d}"}
    if roll < 0.7:
        return {"date": f"{year}-{month:02d}"}
    if roll < 0.9:
        return {"date": f"{year}"}
    return {"start": f"{year}", "end": f"{year + rng.randint(0, 10)}"}


def generate(relations: int, seed: int, out: str, split: int = 0) -> None:
    rng = random.Random(seed)
    ids: dict[str, list[str]] = {}
    labels: dict[str, str] = {}
    entity_lines: list[str] = []

    def entity(eid: str, etype: str, label: str, **extra: str) -> None:
        ids.setdefault(etype, []).append(eid)
        labels[eid] = label
        entity_lines.append(f"- id: {eid}\n  type: {etype}\n  label: {q(label)}\n")
        for key, value in extra.items():
            entity_lines.append(f"  {key}: {value}\n")

    texts = max(1, -(-relations // RELATIONS_PER_TEXT))
    for index in range(texts):
        entity(
            f"source-{index}",
            "Publication",
            f"Report {index} on regional politics",
            authors=f"[{q(NAMES[index % len(NAMES)])}]",
            year=str(1990 + index % 30),
            text=f"sources/report-{index}.txt",
        )
    for etype, number in counts(relations).items():
        for index in range(number):
            extra = {}
            if etype == "Person":
                extra["aliases"] = f"[{q(f'{NAMES[index % 20]} {index}')}]"
            if index % 7 == 0:
                extra["description"] = q(f"A generated {etype.lower()} for benchmarks.")
            if etype in ("Treaty", "Event"):
                extra.update(date_fields(rng))
            entity(f"{etype.lower()}-{index}", etype, f"{etype} {index}", **extra)
    hubs = list(ids["Person"])
    for chain in "ab":
        for index in range(CHAIN):
            eid = f"chain-{chain}-{index}" if index < CHAIN - 1 else f"chain-{chain}-end"
            entity(eid, "Person", f"Chain {chain.upper()} person {index}")

    sentences: list[list[str]] = [[] for _ in range(texts)]
    rel_lines: list[str] = []

    def relation(number: int, subject: str, predicate: str, obj: str, dates: dict[str, str]) -> None:
        when = dates.get("date") or f"{dates['start']} to {dates['end']}"
        sentence = f"In {when}, {labels[subject]} {PREDICATES[predicate].label} {labels[obj]} (entry {number})."
        text = number // RELATIONS_PER_TEXT
        sentences[text].append(sentence)
        rel_lines.append(f"- subject: {subject}\n  predicate: {predicate}\n  object: {obj}\n")
        for key, value in dates.items():
            rel_lines.append(f"  {key}: {value}\n")
        rel_lines.append(f"  quote: {q(sentence)}\n  source: source-{text}\n")

    number = 0
    fixed: list[tuple[str, str, str]] = []
    orgs = ids["Organization"]
    for index in range(1, CHAIN):  # org-i succeeded org-(i-1): a long successorOf chain
        fixed.append((orgs[index], "successorOf", orgs[index - 1]))
    for number, chain in enumerate("ab"):
        people = [e for e in ids["Person"] if e.startswith(f"chain-{chain}-")]
        # chain start - a rarely chosen person - a middling one - a hub state: far from the other chain
        rare, middling = hubs[-1 - number], hubs[len(hubs) // (2 + number)]
        fixed.append((people[0], "met", rare))
        fixed.append((rare, "met", middling))
        fixed.append((middling, "leaderOf", ids["State"][number]))
        fixed.extend((people[i], "met", people[i + 1]) for i in range(len(people) - 1))
    for subject, predicate, obj in fixed:
        relation(number, subject, predicate, obj, date_fields(rng))
        number += 1
    # Acyclic predicates (partOf, successorOf) drawn at random close loops at scale, which
    # validation rightly refuses: only the chains above use them.
    predicates = [p for p in PREDICATES.values() if p.id not in SKIP and not p.acyclic]
    chained = {e for e in labels if e.startswith("chain-")}
    while number < relations:
        pred = rng.choice(predicates)
        subject_type = rng.choice([t for t in POLITICS.expand(pred.subject_types) if ids.get(t)])
        object_type = rng.choice([t for t in POLITICS.expand(pred.object_types) if ids.get(t) or t == "Publication"])
        if object_type == "Publication":
            continue
        subject = pick(rng, ids[subject_type])
        obj = pick(rng, ids[object_type])
        if subject == obj or subject in chained or obj in chained:
            continue
        relation(number, subject, pred.id, obj, date_fields(rng))
        number += 1

    os.makedirs(os.path.join(out, "sources"), exist_ok=True)
    with open(os.path.join(out, "vocabulary.yaml"), "w", encoding="utf-8") as handle:
        handle.write("extends: politics\n")
    with open(os.path.join(out, "entities.yaml"), "w", encoding="utf-8") as handle:
        handle.write(f"# Generated by bench/generate.py --relations {relations} --seed {seed}\n")
        handle.writelines(entity_lines)
    if split:  # relations/part-NNNN.yaml, ``split`` records each (the layout edits stay cheap in)
        os.makedirs(os.path.join(out, "relations"), exist_ok=True)
        per_record = [i for i, line in enumerate(rel_lines) if line.startswith("- subject:")]
        for part, first in enumerate(range(0, len(per_record), split)):
            begin = per_record[first]
            end = per_record[first + split] if first + split < len(per_record) else len(rel_lines)
            name = os.path.join(out, "relations", f"part-{part:04d}.yaml")
            with open(name, "w", encoding="utf-8") as handle:
                handle.write(
                    f"# Generated by bench/generate.py --relations {relations} --seed {seed} --split {split}\n"
                )
                handle.writelines(rel_lines[begin:end])
    else:
        with open(os.path.join(out, "relations.yaml"), "w", encoding="utf-8") as handle:
            handle.write(f"# Generated by bench/generate.py --relations {relations} --seed {seed}\n")
            handle.writelines(rel_lines)
    for index, lines in enumerate(sentences):
        with open(os.path.join(out, "sources", f"report-{index}.txt"), "w", encoding="utf-8") as handle:
            handle.write(f"Report {index} on regional politics.\n\n")
            for start in range(0, len(lines), 5):  # paragraphs of five sentences
                handle.write(" ".join(lines[start : start + 5]) + "\n\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relations", type=int, required=True, help="how many relations to write")
    parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same files)")
    parser.add_argument("--out", required=True, help="the data folder to write")
    parser.add_argument(
        "--split",
        type=int,
        default=0,
        metavar="N",
        help="write relations/part-NNNN.yaml of N relations each instead of one relations.yaml",
    )
    args = parser.parse_args()
    if args.relations < 2 * CHAIN + CHAIN:
        parser.error(f"--relations must be at least {3 * CHAIN}")
    generate(args.relations, args.seed, args.out, args.split)


if __name__ == "__main__":
    main()
