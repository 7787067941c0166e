"""Which YAML files of a data folder hold entities and relations, and which are not read.

A project may keep its records in one file each (``entities.yaml``, ``relations.yaml``) or split
them over ``entities/**/*.yaml`` and ``relations/**/*.yaml`` (or both). Any other YAML file of the
data folder is named in a warning, so no record is ever dropped without a word.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from kgraph.errors import Problem
from kgraph.vocabulary import VOCABULARY_FILE

ENTITIES = "entities"
RELATIONS = "relations"
#: Files of the data folder read by others (the vocabulary), and folders that hold no records.
OTHER_FILES = (VOCABULARY_FILE,)
SKIPPED_FOLDERS = ("sources",)
LAYOUT = {ENTITIES: "entities.yaml or entities/*.yaml", RELATIONS: "relations.yaml or relations/*.yaml"}


@dataclass
class DataFiles:
    """The record files of a data folder, as paths joined to the folder, in reading order."""

    entities: list[str] = field(default_factory=list)
    relations: list[str] = field(default_factory=list)
    #: Warnings for YAML files that are not read.
    unread: list[Problem] = field(default_factory=list)


def find(data_dir: str, shown: str) -> DataFiles:
    """Sort the YAML files under ``data_dir``; ``shown`` is the folder as messages name it.

    The single file comes first, then the folder's files by path, so line order within a kind is
    stable and "first defined" means the same thing on every run.
    """
    found = DataFiles()
    for kind, files in ((ENTITIES, found.entities), (RELATIONS, found.relations)):
        single = os.path.join(data_dir, f"{kind}.yaml")
        folder = os.path.join(data_dir, kind)
        in_folder = [p for p in _yaml_under(folder) if p.endswith(".yaml")] if os.path.isdir(folder) else []
        # With neither, the single file is still "read", so its absence is reported as today.
        if os.path.exists(single) or not in_folder:
            files.append(single)
        files.extend(in_folder)
    read = {os.path.normpath(p) for p in (*found.entities, *found.relations)}
    for path in _yaml_under(data_dir, top=True):
        if os.path.normpath(path) in read:
            continue
        rel = os.path.relpath(path, data_dir)
        found.unread.append(Problem(os.path.join(shown, rel), 0, 0, _unread_message(rel), "warning"))
    return found


def _yaml_under(folder: str, top: bool = False) -> list[str]:
    """YAML files under ``folder`` (hidden ones aside), sorted; at the top, skip non-record places."""
    out = []
    for here, dirs, files in os.walk(folder):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(".") and not (top and here == folder and d in SKIPPED_FOLDERS)
        )
        for name in sorted(files):
            if name.startswith(".") or not name.endswith((".yaml", ".yml")):
                continue
            if top and here == folder and name in OTHER_FILES:
                continue
            out.append(os.path.join(here, name))
    return sorted(out)


def _unread_message(rel: str) -> str:
    name = rel.replace(os.sep, "/")
    kinds = [kind for kind, stem in ((RELATIONS, "relation"), (ENTITIES, "entit")) if stem in name.lower()]
    if name.endswith(".yml"):
        hint = "kgraph reads files ending in .yaml; rename it"
    elif len(kinds) == 1:
        hint = f"put {kinds[0]} in {LAYOUT[kinds[0]]}"
    else:
        hint = f"put entities in {LAYOUT[ENTITIES]} and relations in {LAYOUT[RELATIONS]}"
    return f"not read: kgraph reads only {LAYOUT[ENTITIES]}, {LAYOUT[RELATIONS]}; {hint}"
