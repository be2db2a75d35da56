"""Render a finished results journal (JSONL) as CSV or Parquet, streaming, written atomically.

Results are always journaled as JSONL first (that is what makes runs resumable); other
formats are views of the finished journal.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

FORMATS = ("jsonl", "csv", "parquet")


def format_for(path: Path, requested: str | None) -> str:
    if requested:
        return requested
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


def _records(journal: Path) -> Iterator[dict]:
    with open(journal, encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _flat(record: dict, labels: list[str]) -> dict:
    cred = record["credibility"]
    return {
        "id": record["id"], "source": record["source"], "lang": record["lang"],
        "sentences": len(record["sentences"]),
        **{f"n_{label}": record["markers"].get(label, 0) for label in labels},
        "credibility_score": cred["score"], "credibility_band": cred["band"],
        "flagged": json.dumps([[s["start"], s["end"], s["labels"]] for s in record["sentences"] if s["labels"]]),
        "meta": json.dumps(record.get("meta", {}), ensure_ascii=False),
    }


def _write_csv(journal: Path, tmp: Path, labels: list[str]) -> None:
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = None
        for record in _records(journal):
            row = _flat(record, labels)
            if writer is None:
                writer = csv.DictWriter(handle, fieldnames=list(row))
                writer.writeheader()
            writer.writerow(row)


def _write_parquet(journal: Path, tmp: Path, labels: list[str], chunk: int = 1000) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sentence = pa.struct([
        ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("labels", pa.list_(pa.string())),
        ("scores", pa.struct([(label, pa.float32()) for label in labels])),
    ])
    schema = pa.schema([
        ("id", pa.string()), ("source", pa.string()), ("lang", pa.string()), ("meta", pa.string()),
        ("sentences", pa.list_(sentence)),
        ("markers", pa.struct([(label, pa.int64()) for label in labels])),
        ("credibility_score", pa.float64()), ("credibility_band", pa.string()), ("credibility_reasons", pa.string()),
    ])
    with pq.ParquetWriter(tmp, schema) as writer:
        rows: list[dict] = []
        for record in _records(journal):
            rows.append({
                "id": record["id"], "source": record["source"], "lang": record["lang"],
                "meta": json.dumps(record.get("meta", {}), ensure_ascii=False),
                "sentences": record["sentences"], "markers": record["markers"],
                "credibility_score": record["credibility"]["score"], "credibility_band": record["credibility"]["band"],
                "credibility_reasons": json.dumps(record["credibility"]["reasons"]),
            })
            if len(rows) >= chunk:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def export(journal: Path, out: Path, fmt: str, labels: list[str]) -> None:
    """Write ``out`` in ``fmt`` from ``journal`` via a temporary file and one rename."""
    fd, name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        (_write_csv if fmt == "csv" else _write_parquet)(journal, tmp, labels)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
