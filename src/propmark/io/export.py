"""Render a finished results journal (JSONL) as CSV or Parquet, streaming, written atomically.

Results are always journaled as JSONL first (that is what makes runs resumable); other
formats are views of the finished journal.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from pathlib import Path

from propmark.io.files import atomic_file
from propmark.io.journal import read_results
from propmark.result import Result

FORMATS = ("jsonl", "csv", "parquet")


def format_for(path: Path, requested: str | None) -> str:
    if requested:
        return requested
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in FORMATS else "jsonl"


CSV_HEADER = "id,source,lang,model,sentences,"


def is_export(path: Path, fmt: str) -> bool:
    """Whether ``path`` is a CSV or Parquet file that propmark wrote (or is empty)."""
    try:
        if path.stat().st_size == 0:
            return True
        if fmt == "csv":
            with open(path, encoding="utf-8", errors="replace") as handle:
                return handle.readline().startswith(CSV_HEADER)
        import pyarrow.parquet as pq

        return {"id", "source", "sentences", "markers"} <= set(pq.read_schema(path).names)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid for a file that is not Parquet is a ValueError
        return False


def _credibility(result: Result) -> tuple[float | None, str | None, str]:
    cred = result.credibility
    if cred is None:
        return None, None, "[]"
    return cred.score, cred.band, json.dumps([r.__dict__ for r in cred.reasons])


def _outlet(result: Result) -> dict:
    """The outlet's facts as their own columns, apart from the score."""
    outlet = (result.credibility.outlet if result.credibility else None) or {}
    return {"outlet_name": outlet.get("name"), "outlet_typology": outlet.get("typology"),
            "outlet_state_controlled": outlet.get("state_controlled"),
            "outlet_fnc_types": ",".join(outlet.get("fnc_types") or []) or None}


def _flat(result: Result, labels: list[str]) -> dict:
    score, band, _ = _credibility(result)
    return {
        "id": result.id, "source": result.source, "lang": result.lang, "model": result.model,
        "sentences": len(result.sentences),
        **{f"n_{label}": result.markers.get(label, 0) for label in labels},
        "credibility_score": score, "credibility_band": band, **_outlet(result),
        "flagged": json.dumps([[s.start, s.end, s.labels] for s in result.sentences if s.labels]),
        "meta": json.dumps(result.meta, ensure_ascii=False),
    }


def _write_csv(journal: Path, handle, labels: list[str]) -> None:
    writer = None
    for result in read_results(journal):
        row = _flat(result, labels)
        if writer is None:
            writer = csv.DictWriter(handle, fieldnames=list(row))
            writer.writeheader()
        writer.writerow(row)


def write_parquet(results: Iterable[Result], handle, labels: list[str], chunk: int = 1000) -> None:
    """Results as Parquet, ``chunk`` rows per row group: the export, and each block the Ray engine writes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    sentence = pa.struct([
        ("start", pa.int64()), ("end", pa.int64()), ("text", pa.string()), ("labels", pa.list_(pa.string())),
        ("scores", pa.struct([(label, pa.float32()) for label in labels])), ("lang", pa.string()),
    ])
    schema = pa.schema([
        ("id", pa.string()), ("source", pa.string()), ("lang", pa.string()), ("model", pa.string()), ("meta", pa.string()),
        ("sentences", pa.list_(sentence)),
        ("markers", pa.struct([(label, pa.int64()) for label in labels])),
        ("credibility_score", pa.float64()), ("credibility_band", pa.string()), ("credibility_reasons", pa.string()),
        ("outlet_name", pa.string()), ("outlet_typology", pa.string()), ("outlet_state_controlled", pa.bool_()),
        ("outlet_fnc_types", pa.string()),
    ])
    with pq.ParquetWriter(handle, schema) as writer:
        rows: list[dict] = []
        for result in results:
            score, band, reasons = _credibility(result)
            rows.append({
                "id": result.id, "source": result.source, "lang": result.lang, "model": result.model,
                "meta": json.dumps(result.meta, ensure_ascii=False),
                "sentences": [{"start": s.start, "end": s.end, "text": s.text, "labels": s.labels, "scores": s.scores, "lang": s.lang}
                              for s in result.sentences],
                "markers": result.markers, "credibility_score": score, "credibility_band": band, "credibility_reasons": reasons,
                **_outlet(result),
            })
            if len(rows) >= chunk:
                writer.write_table(pa.Table.from_pylist(rows, schema=schema))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=schema))


def export(journal: Path, out: Path, fmt: str, labels: list[str]) -> None:
    """Write ``out`` in ``fmt`` from ``journal`` via a temporary file and one rename."""
    with atomic_file(out, "w" if fmt == "csv" else "wb") as handle:
        if fmt == "csv":
            _write_csv(journal, handle, labels)
        else:
            write_parquet(read_results(journal), handle, labels)
