"""Standoff annotations of real pages: labels keyed to units, rebuilt through the text pipeline, never the text."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

from typer.testing import CliRunner

from propmark.cli import app
from propmark.pipeline import units
from propmark.credibility.domains import registered_domain
from propmark.training.real import Annotation, documents, read_annotations, rebuild, unit_keys

PAGE = ("<html><head><title>Stadtrat</title></head><body><nav><a href='/'>Startseite</a><a href='/p'>Politik</a></nav>"
        "<article><h1>Stadtrat beschließt Haushalt</h1><p>Der Stadtrat hat am Mittwoch den Haushalt beschlossen. "
        "Kritikern zufolge fehlt Geld für Schulen.</p><p>Teilen Sie diesen Artikel!</p></article>"
        "<footer>Impressum</footer></body></html>")


def _corpus(root: Path, page: str = PAGE) -> Path:
    folder = root / "trafilatura_eval"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evaldata.json").write_text(json.dumps({"https://www.stadt-bote.de/haushalt": {"file": "bote.html", "with": [], "without": []}}))
    data = page.encode("utf-8")
    with tarfile.open(folder / "html_pages.tar.xz", "w:xz") as tar:
        info = tarfile.TarInfo("tests/eval/bote.html")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return root


def test_keys_hash_text_and_occurrence() -> None:
    keys = unit_keys(["Teilen", "Text", "Teilen"])
    assert keys[0].split(":")[0] == keys[2].split(":")[0] and keys[0] != keys[2]
    assert [k.split(":")[1] for k in keys] == ["0", "0", "1"]


def test_sites_are_registered_domains() -> None:
    assert registered_domain("https://www.stadt-bote.de/x") == "stadt-bote.de"
    assert registered_domain("https://news.bbc.co.uk/a") == "bbc.co.uk"
    assert registered_domain("https://web.archive.org/web/20120611024252/http://www.he.xinhuanet.com/a.htm") == "xinhuanet.com"


def test_annotations_rebuild_through_the_pipeline_and_report_stale_keys(tmp_path: Path) -> None:
    data = _corpus(tmp_path / "data")
    doc = next(documents(data, "trafilatura_eval"))
    assert doc.site == "stadt-bote.de" and doc.article.blocks
    lang, segments = units(doc.article)
    texts = [s.text for s in segments]
    decisions = {"Startseite": ["boilerplate"], "Politik": ["boilerplate"], "Impressum": ["boilerplate"],
                 "Kritikern zufolge fehlt Geld für Schulen.": ["unsourced_attribution"],
                 "Teilen Sie diesen Artikel!": ["appeal"]}
    ann = Annotation("trafilatura_eval", doc.hashed, "t1", {k: decisions.get(t, []) for k, t in zip(unit_keys(texts), texts)})
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "b1.jsonl").write_text(ann.to_json() + "\n")
    assert "Kritikern" not in (labels / "b1.jsonl").read_text()  # standoff: no text is stored
    rebuilt = rebuild(data, read_annotations(labels))
    assert rebuilt.stale_keys == 0 and rebuilt.unannotated_units == 0 and rebuilt.documents == 1
    got = {r["text"]: r["labels"] for r in rebuilt.records}
    assert got["Kritikern zufolge fehlt Geld für Schulen."] == ["unsourced_attribution"] and got["Der Stadtrat hat am Mittwoch den Haushalt beschlossen."] == []
    assert {r["outlet"] for r in rebuilt.records} == {"stadt-bote.de"} and {r["lang"] for r in rebuilt.records} == {lang}

    _corpus(tmp_path / "data", PAGE.replace("fehlt Geld", "fehlt viel Geld"))  # the page changed under the annotation
    rebuilt = rebuild(data, read_annotations(labels))
    assert rebuilt.stale_keys == 1 and rebuilt.unannotated_units == 1

    out = tmp_path / "real.jsonl"
    result = CliRunner().invoke(app, ["import", "real", str(data), "--labels", str(labels), "--out", str(out)])
    assert result.exit_code == 0 and "1 annotated unit keys no longer produced" in result.output
    assert len(out.read_text().splitlines()) == len(rebuilt.records)


def test_without_the_corpora_it_is_one_clear_error(tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "b1.jsonl").write_text(Annotation("trafilatura_eval", "x.html", "t1", {"abc:0": []}).to_json() + "\n")
    result = CliRunner().invoke(app, ["import", "real", str(tmp_path), "--labels", str(labels), "--out", str(tmp_path / "r.jsonl")])
    assert result.exit_code == 2 and "never committed" in result.output
