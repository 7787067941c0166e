"""W3C Web Annotation JSON-LD: the evidence of every statement, for any tool of that model.

One AnnotationPage holds one annotation per statement: its body the claim (the statement with its
subject, predicate and object, each by IRI and label, and its date), its target the source text
(a ``Text`` with its SHA-256) with a TextQuoteSelector and a TextPositionSelector for the same span;
a quote with left-out words has one target per fragment. The IRIs are the compiled graph's, so the
annotations read back as the graph's own evidence triples.

The context is the standard one, named by its URL (``http://www.w3.org/ns/anno.jsonld``) as the
Web Annotation model asks, plus the few prefixes the body uses. kgraph never fetches it.
"""

from __future__ import annotations

import json
from typing import IO, TYPE_CHECKING, Any

from kgraph.dates import EDTF_DATATYPE
from kgraph.vocab import CONTEXT_CHARS, PREFIXES, entity_iri, evidence_iri, status_iri, text_iri

if TYPE_CHECKING:
    from kgraph.model import Dataset
    from kgraph.statement import Statement

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"


def context(base: str) -> list[Any]:
    """The standard Web Annotation context and the prefixes of the claim's terms."""
    return [ANNO_CONTEXT, {"kg": PREFIXES["kg"], "kgr": base, "rdf": PREFIXES["rdf"]}]


def annotation_page(dataset: Dataset, base: str, records: list[Statement]) -> dict[str, Any]:
    """The page of annotations of the statements ``records`` (of ``dataset``), ordered by statement
    IRI (the same data gives the same bytes)."""
    found = sorted((s for s in records if s.anchors and s.source in dataset.texts), key=lambda s: s.iri)
    return {
        "@context": context(base),
        "id": base + "annotations",
        "type": "AnnotationPage",
        "items": [_annotation(dataset, base, record) for record in found],
    }


def _annotation(dataset: Dataset, base: str, record: Statement) -> dict[str, Any]:
    from kgraph.vocabulary import packaged

    vocabulary = dataset.vocabulary or packaged("core")
    predicate = vocabulary.predicates[record.predicate]
    stmt = record.iri

    def entity(eid: str) -> dict[str, str]:
        known = dataset.entities.get(eid)
        return {"id": entity_iri(base, eid), "label": known.label if known else eid}

    subject, obj = entity(record.subject), entity(record.object)
    body: dict[str, Any] = {
        "id": stmt,
        "type": "rdf:Statement",
        "label": f"{subject['label']} {record.predicate_label} {obj['label']}",
        "rdf:subject": subject,
        "rdf:predicate": {"id": predicate.iri, "label": record.predicate_label},
        "rdf:object": obj,
        "kg:kind": record.kind,
        "kg:quote": record.quote,
    }
    if record.status != "actual":  # as on the statement node: a planned claim is not asserted
        body["kg:status"] = {"id": status_iri(record.status)}
    for name in ("date", "start", "end"):
        value = getattr(record, name)
        if value is not None:
            # As in the graph: an xsd type where one keeps the date, else the EDTF datatype.
            xsd = value.xsd_type
            body[f"kg:{name}"] = {"@value": str(value), "@type": "xsd:" + xsd if xsd else EDTF_DATATYPE}
    path, sha = dataset.text_files[record.source]
    source = {
        "id": text_iri(base, record.source),
        "type": "Text",
        "format": "text/plain",
        "label": path,
        "kg:sha256": sha,
    }
    text = dataset.texts[record.source]
    targets = []
    for index, (start, end) in enumerate(record.anchors, 1):
        target = f"{evidence_iri(stmt)}/{index}"
        targets.append(
            {
                "id": target,
                "type": "SpecificResource",
                "source": source,
                "selector": [
                    {
                        "id": target + "/quote",
                        "type": "TextQuoteSelector",
                        "exact": text[start:end],
                        "prefix": text[max(start - CONTEXT_CHARS, 0) : start],
                        "suffix": text[end : end + CONTEXT_CHARS],
                    },
                    {"id": target + "/position", "type": "TextPositionSelector", "start": start, "end": end},
                ],
            }
        )
    return {
        "id": evidence_iri(stmt),
        "type": "Annotation",
        "motivation": "describing",
        "body": body,
        "target": targets[0] if len(targets) == 1 else targets,
    }


def write(dataset: Dataset, base: str, records: list[Statement], out: IO[bytes]) -> None:
    page = annotation_page(dataset, base, records)
    out.write(json.dumps(page, ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
