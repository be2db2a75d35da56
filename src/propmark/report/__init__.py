"""Static HTML reports of scored articles: an overview page and one page per article.

The report is files only (HTML, one stylesheet, one small script), so it opens from the
file system, can be zipped and mailed, and needs no server or network. It is written into a
scratch folder and renamed into place, so a half-written report never replaces a good one.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from propmark.io.files import atomic_dir
from propmark.io.journal import read_results
from propmark.errors import PropmarkError
from propmark.report.aggregate import group_by, outlet_key
from propmark.report.pages import article_page, overview_page, slug
from propmark.result import Result

ASSETS = ("report.css", "report.js")


MARKER = ".propmark-report"
WRITTEN = frozenset({MARKER, "index.html", "articles", *ASSETS})


def check_target(out_dir: Path, inputs: Sequence[Path] = ()) -> None:
    """Refuse a report folder that holds anything propmark did not write (or that is an input).

    A report replaces its folder whole, so the folder must be new, empty, or an earlier
    report (it carries the marker file and nothing else).
    """
    if out_dir.exists() and not out_dir.is_dir():
        raise PropmarkError(f"{out_dir} is a file; --out names the report folder")
    resolved = out_dir.resolve()
    for path in inputs:
        path = Path(path).resolve()
        if path == resolved or resolved in path.parents:
            raise PropmarkError(f"{out_dir} holds inputs of this run; write the report elsewhere")
    parent = out_dir.parent if str(out_dir.parent) else Path(".")
    if parent.is_dir() and not os.access(parent, os.W_OK):
        raise PropmarkError(f"cannot write the report into {parent} (read-only, or no permission)")
    if not out_dir.is_dir():
        return
    names = {p.name for p in out_dir.iterdir()}
    if not names:
        return
    if MARKER not in names:
        raise PropmarkError(f"{out_dir} is not empty and is not a propmark report; refusing to replace it (choose a new folder)")
    foreign = sorted(names - WRITTEN)
    if foreign:
        raise PropmarkError(f"{out_dir} holds files propmark did not write ({', '.join(foreign[:5])}); refusing to replace it")


def _main_reason(result: Result) -> str:
    reasons = result.credibility.reasons if result.credibility else []
    return f"{reasons[0].feature} ({reasons[0].effect:+.2f})" if reasons else ""


def _title(result: Result) -> str:
    return result.meta_text("title") or (result.sentences[0].text[:90] if result.sentences else result.id)


def write_report(results: Path, out_dir: Path, labels: Sequence[str], thresholds: dict[str, float],
                 models: set[str] | None = None) -> int:
    """Write the report for the JSONL ``results`` into ``out_dir``; returns the number of articles.

    ``models``, when given, collects the fingerprints of the models that made the results (in
    the same single pass), so the caller can tell whether the tooltips' thresholds are theirs.
    """
    check_target(out_dir, [results])
    rows, kept = [], []
    with atomic_dir(out_dir) as tmp:
        (tmp / "articles").mkdir()
        (tmp / MARKER).write_text("written by propmark report; the folder is replaced whole on the next report\n", encoding="utf-8")
        for index, result in enumerate(read_results(results)):
            if models is not None and result.model:
                models.add(result.model)
            record = result.to_dict()
            href = slug(index, result.id)
            (tmp / "articles" / href).write_text(article_page(record, _title(result), labels, thresholds), encoding="utf-8")
            cred = record["credibility"]
            rows.append({
                "id": result.id, "href": href, "lang": result.lang, "outlet": outlet_key(record),
                "title": _title(result), "sentences": len(result.sentences), "markers": result.markers,
                "score": cred["score"] if cred else None, "band": cred["band"] if cred else "none", "reason": _main_reason(result),
            })
            kept.append({"credibility": cred, "meta": result.meta, "lang": result.lang, "markers": result.markers,
                         "words": sum(len(s.text.split()) for s in result.sentences)})
        if not rows:
            raise PropmarkError(f"{results} holds no results")
        rows.sort(key=lambda r: (r["score"] is None, r["score"] or 0.0, r["id"]))
        outlets = group_by(kept, outlet_key, labels, pooled=True)
        languages = group_by(kept, lambda r: r["lang"], labels)
        (tmp / "index.html").write_text(overview_page(rows, outlets, languages, labels, str(results)), encoding="utf-8")
        for asset in ASSETS:
            (tmp / asset).write_text(files("propmark.report").joinpath(asset).read_text(encoding="utf-8"), encoding="utf-8")
    return len(rows)
