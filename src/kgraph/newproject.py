"""``kgraph init``: a new project that validates at once, from the skeleton shipped in the package.

A project is a folder holding ``data/`` (the vocabulary, the entity and relation files, ``sources/``)
and ``queries/`` beside it (an example with a parameter, and the stock checks in ``checks/``),
the layout every command finds without options once you are in the folder.
"""

from __future__ import annotations

import os
import shutil

from kgraph.errors import KgraphError, ProjectExistsError

SKELETON = os.path.join(os.path.dirname(os.path.abspath(__file__)), "skeleton")

_VOCABULARY_HEAD = """\
# The vocabulary of this project: the types of its entities and the predicates of its relations.
# `kgraph vocab` lists everything it holds. Declare your own types and predicates below
# (README, "The vocabulary file"); for example, uncommented:
#
# types:
#   Award:
#     label: award
#     description: A prize or honour given to a person or an organization.
#     parent: Thing
# predicates:
#   receivedAward:
#     label: received
#     inverse: awarded to
#     description: The subject was given the award.
#     subject: [Person, Organization]
#     object: [Award]
"""


def create(folder: str, vocabulary: str = "core") -> list[str]:
    """Write a new project in ``folder`` (new or empty); return the files written, relative to it.

    ``vocabulary``: a vocabulary kgraph ships (``core``, ``politics``), which the project's
    ``vocabulary.yaml`` extends, or the path of a vocabulary file to start from (copied).
    Nothing is written when the folder already holds files: a project is never overwritten.
    """
    vocabulary_text = _vocabulary_text(vocabulary)
    if os.path.exists(folder):
        if not os.path.isdir(folder):
            raise ProjectExistsError(f"'{folder}' exists and is not a folder; choose a new folder")
        present = sorted(name for name in os.listdir(folder) if not name.startswith("."))
        if present:
            raise ProjectExistsError(
                f"'{folder}' is not empty (it holds {', '.join(present[:5])}"
                f"{', ...' if len(present) > 5 else ''}); kgraph init never overwrites a project: "
                "choose a new or empty folder"
            )
    parent = os.path.dirname(os.path.abspath(folder))
    os.makedirs(parent, exist_ok=True)
    # Built beside the target and renamed into place, so a failure leaves no half-made project.
    staging = os.path.join(parent, f".{os.path.basename(os.path.abspath(folder))}.kgraph-init-{os.getpid()}")
    try:
        shutil.copytree(SKELETON, staging)
        with open(os.path.join(staging, "data", "vocabulary.yaml"), "w", encoding="utf-8") as handle:
            handle.write(vocabulary_text)
        if os.path.isdir(folder):  # empty, checked above: move the parts in
            for name in os.listdir(staging):
                os.rename(os.path.join(staging, name), os.path.join(folder, name))
        else:
            os.rename(staging, folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(
        os.path.relpath(os.path.join(here, name), folder) for here, _, files in os.walk(folder) for name in files
    )


def _vocabulary_text(vocabulary: str) -> str:
    """The new project's vocabulary.yaml: extending a shipped vocabulary, or a copy of a file."""
    from kgraph.vocabulary import packaged_names

    shipped = packaged_names()
    if vocabulary in shipped:
        return f"{_VOCABULARY_HEAD}extends: {vocabulary}\n"
    if not os.path.isfile(vocabulary):
        raise KgraphError(
            f"--vocabulary: '{vocabulary}' is neither a vocabulary kgraph ships ({', '.join(shipped)}) nor a file"
        )
    try:
        with open(vocabulary, encoding="utf-8-sig") as handle:
            own = handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise KgraphError(f"--vocabulary: cannot read '{vocabulary}': {exc}") from None
    return f"# Started from {os.path.basename(vocabulary)} by kgraph init.\n{_VOCABULARY_HEAD}\n{own}"
