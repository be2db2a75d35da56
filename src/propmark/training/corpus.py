"""Labeled sentence data: the JSONL format, its validation, documents and group splits.

Format (one sentence a line): ``{"text": ..., "labels": [...], "doc_id": ..., "lang": ...}``.
Records sharing a ``doc_id`` are consecutive sentences of one article, which is what
lets training and evaluation give the model the same neighbouring context as scoring.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from datasets import Dataset

from propmark.errors import DataError
from propmark.io.files import read_jsonl


@dataclass
class Document:
    doc_id: str
    sentences: list[str]
    labels: list[list[str]]
    lang: str = "und"
    outlet: str | None = None
    use: str | None = None  # "eval-only" for research-only corpora (see propmark.training.importers)
    annotated: list[str] | None = None  # labels an imported corpus speaks for; None = all of them
    corpus: str | None = None  # the corpus of ../shared/data it was rebuilt from; None = the project's own text
    layouts: list[dict | None] | None = None  # per sentence, its HTML layout (Block.as_dict) where the source was a page

    @property
    def group(self) -> str:
        return self.outlet or self.doc_id

    @property
    def real(self) -> bool:
        """A fully annotated real document (``propmark import real``), not own text or a partial import."""
        return self.corpus is not None and self.annotated is None

    def loss_weights(self, labels: Sequence[str], source_weights: dict[str, float]) -> list[float]:
        """Per label, the weight of this document's units in the loss: its source's weight where its
        annotation speaks for the label (imported corpora speak for some only), else 0."""
        weight = source_weights["real" if self.real else "own"]
        return [weight if self.annotated is None or name in self.annotated else 0.0 for name in labels]


def data_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders to their ``*.jsonl`` files (sorted, so runs are reproducible)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.rglob("*.jsonl")))
        elif path.is_file():
            files.append(path)
        elif path.name == "real.jsonl":
            raise DataError(f"{path}: no such file; rebuild the real annotated documents with "
                            f"`propmark import real ../shared/data --out {path}` (the corpora are never committed), "
                            "or train without them (--data training/corpus --data training/seeds.jsonl)")
        else:
            raise DataError(f"{path}: no such file or folder")
    if not files:
        raise DataError("no .jsonl files found in " + ", ".join(str(p) for p in paths))
    return files


def _check(path: Path, number: int, record: object, known: set[str]) -> dict:
    where = f"{path}:{number}"
    if not isinstance(record, dict):
        raise DataError(f"{where}: each line must be a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise DataError(f"{where}: missing or empty 'text'")
    labels = record.get("labels", [])
    if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels):
        raise DataError(f"{where}: 'labels' must be a list of label names")
    unknown = sorted(set(labels) - known)
    if unknown:
        raise DataError(f"{where}: unknown label(s) {unknown}; known: {sorted(known)}")
    annotated = record.get("annotated")
    if annotated is not None and (not isinstance(annotated, list) or not set(annotated) <= known):
        raise DataError(f"{where}: 'annotated' must be a list of known label names")
    for key in ("doc_id", "lang", "outlet", "corpus"):
        if key in record and record[key] is not None and not isinstance(record[key], str):
            raise DataError(f"{where}: '{key}' must be a string")
    layout = record.get("layout")
    if layout is not None and not isinstance(layout, dict):
        raise DataError(f"{where}: 'layout' must be an object (tag, link_density, region) or null")
    return {
        "text": text.strip(),
        "labels": sorted(set(labels), key=labels.index),
        "doc_id": record.get("doc_id"),
        "lang": record.get("lang") or "und",
        "outlet": record.get("outlet"),
        "use": record.get("use") if isinstance(record.get("use"), str) else None,
        "annotated": annotated,
        "corpus": record.get("corpus"),
        "layout": json.dumps(layout) if layout else None,  # a string column: Arrow would merge dict keys
        "source": where,
    }


def read_records(paths: Sequence[Path], known_labels: Sequence[str]) -> Dataset:
    """Validate every line (stopping at the first bad one, by file and line) into a ``Dataset``."""
    known = set(known_labels)
    rows: list[dict] = []
    for path in data_files(paths):
        for number, record, problem in read_jsonl(path):
            if problem:
                raise DataError(f"{path}:{number}: {problem}")
            rows.append(_check(path, number, record, known))
    if not rows:
        raise DataError("the labeled data holds no records")
    return Dataset.from_list(rows)


def to_documents(records: Dataset) -> list[Document]:
    """Group consecutive records by ``doc_id``; a record without one is a one-sentence document."""
    docs: list[Document] = []
    closed: dict[str, str] = {}
    current: Document | None = None
    for row in records:
        doc_id = row["doc_id"]
        if doc_id is not None and current is not None and current.doc_id == doc_id:
            current.sentences.append(row["text"])
            current.labels.append(row["labels"])
            current.layouts.append(json.loads(row["layout"]) if row.get("layout") else None)
            continue
        if doc_id is not None and doc_id in closed:
            raise DataError(
                f"{row['source']}: doc_id {doc_id!r} continues after other records "
                f"(first seen at {closed[doc_id]}); a document's records must be consecutive"
            )
        current = Document(
            doc_id=doc_id or row["source"],
            sentences=[row["text"]],
            labels=[row["labels"]],
            lang=row["lang"],
            outlet=row["outlet"],
            use=row["use"],
            annotated=row["annotated"],
            corpus=row.get("corpus"),
            layouts=[json.loads(row["layout"]) if row.get("layout") else None],
        )
        closed[current.doc_id] = row["source"]
        docs.append(current)
    return docs


def load_documents(paths: Sequence[Path], known_labels: Sequence[str]) -> list[Document]:
    return to_documents(read_records(paths, known_labels))


def split_groups(
    docs: Sequence[Document], fractions: Sequence[float], seed: int, by: str = "outlet", pinned: Sequence[str] = ()
) -> list[list[Document]]:
    """Split documents into ``len(fractions) + 1`` parts by group, never by sentence.

    Groups are outlets (``by="outlet"``, falling back to doc_id when a record has none)
    or documents; they are shuffled with ``seed`` and dealt out by sentence count, so
    each held-out part gets roughly its fraction of the data. Documents whose doc_id
    starts with a ``pinned`` prefix always land in the first part.
    """
    key = (lambda d: d.group) if by == "outlet" else (lambda d: d.doc_id)
    groups: dict[str, list[Document]] = {}
    for doc in docs:
        groups.setdefault(key(doc), []).append(doc)
    names = sorted(groups)
    random.Random(seed).shuffle(names)
    total = sum(len(d.sentences) for d in docs)
    parts: list[list[Document]] = [[] for _ in range(len(fractions) + 1)]
    quotas = [f * total for f in fractions]
    filled = [0.0] * len(fractions)
    for name in names:
        members = groups[name]
        size = sum(len(d.sentences) for d in members)
        if pinned and any(d.doc_id.startswith(tuple(pinned)) for d in members):
            parts[0].extend(members)
            continue
        for i, quota in enumerate(quotas):
            if filled[i] + size / 2 <= quota:
                parts[i + 1].extend(members)
                filled[i] += size
                break
        else:
            parts[0].extend(members)
    return parts


def split_sites(docs: Sequence[Document], dev_fraction: float, test_fraction: float, seed: int) -> list[list[Document]]:
    """Train, dev and test by site (``outlet``), each site placed by a hash of it and the seed.

    A hash rather than a shuffle keeps every site where it was when documents are added:
    annotating more pages never moves an already-tested site into training.
    """
    parts: list[list[Document]] = [[], [], []]
    for doc in docs:
        digest = hashlib.sha1(f"{seed}:{doc.group}".encode("utf-8")).digest()
        u = int.from_bytes(digest[:8], "big") / 2**64
        parts[2 if u < test_fraction else 1 if u < test_fraction + dev_fraction else 0].append(doc)
    return parts
