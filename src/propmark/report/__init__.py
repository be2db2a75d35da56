"""Static HTML reports of scored articles: an overview page and one page per article.

The report is files only (HTML, one stylesheet, one small script), so it opens from the
file system, can be zipped and mailed, and needs no server or network. It is written into a
scratch folder and renamed into place, so a half-written report never replaces a good one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from importlib.resources import files
from pathlib import Path

from propmark.atomic import atomic_dir
from propmark.errors import PropmarkError
from propmark.report.aggregate import group_by, outlet_key
from propmark.report.pages import article_page, overview_page, slug

ASSETS = ("report.css", "report.js")


def _records(results: Path) -> Iterator[dict]:
    with open(results, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise PropmarkError(f"{results}:{number}: not JSON ({exc.msg})") from None
            if not isinstance(record, dict) or not {"id", "sentences", "markers", "credibility"} <= set(record):
                raise PropmarkError(f"{results}:{number}: not a propmark result (run `propmark score --out` to make one)")
            yield record


def _main_reason(record: dict) -> str:
    reasons = record["credibility"]["reasons"]
    return f"{reasons[0]['feature']} ({reasons[0]['effect']:+.2f})" if reasons else ""


def write_report(results: Path, out_dir: Path, labels: Sequence[str], thresholds: dict[str, float]) -> int:
    """Write the report for the JSONL ``results`` into ``out_dir``; returns the number of articles."""
    if not results.is_file():
        raise PropmarkError(f"no such results file: {results}")
    rows, kept = [], []
    with atomic_dir(out_dir) as tmp:
        (tmp / "articles").mkdir()
        for index, record in enumerate(_records(results)):
            href = slug(index, record["id"])
            (tmp / "articles" / href).write_text(article_page(record, labels, thresholds), encoding="utf-8")
            meta = record.get("meta", {})
            rows.append({
                "id": record["id"], "href": href, "lang": record["lang"], "outlet": outlet_key(record),
                "title": meta.get("title") or (record["sentences"][0]["text"][:90] if record["sentences"] else record["id"]),
                "sentences": len(record["sentences"]), "markers": record["markers"],
                "score": record["credibility"]["score"], "band": record["credibility"]["band"], "reason": _main_reason(record),
            })
            kept.append({"credibility": record["credibility"], "meta": meta, "lang": record["lang"], "markers": record["markers"],
                         "words": sum(len(s["text"].split()) for s in record["sentences"])})
        if not rows:
            raise PropmarkError(f"{results} holds no results")
        rows.sort(key=lambda r: (r["score"], r["id"]))
        outlets = group_by(kept, outlet_key, labels)
        languages = group_by(kept, lambda r: r["lang"], labels)
        (tmp / "index.html").write_text(overview_page(rows, outlets, languages, labels, str(results)), encoding="utf-8")
        for asset in ASSETS:
            (tmp / asset).write_text(files("propmark.report").joinpath(asset).read_text(encoding="utf-8"), encoding="utf-8")
    return len(rows)
