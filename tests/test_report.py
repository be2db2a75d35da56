import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propmark.cli import app
from propmark.errors import PropmarkError
from propmark.report import write_report

LABELS = ["boilerplate", "appeal", "unsourced_attribution", "state_media_disclaimer"]


def result_line(article_id: str, score: float, band: str, texts: list[tuple[str, list[str]]], meta: dict | None = None, lang: str = "de") -> dict:
    sentences, start = [], 0
    for text, labels in texts:
        sentences.append({"start": start, "end": start + len(text), "text": text, "labels": labels,
                          "scores": {label: (0.9 if label in labels else 0.1) for label in LABELS}})
        start += len(text) + 1
    markers = {label: sum(label in s["labels"] for s in sentences) for label in LABELS}
    reasons = [{"feature": "unsourced_per_1k_words", "value": 12.0, "log_odds": 1.0, "effect": -0.2,
                "sentences": [i for i, s in enumerate(sentences) if "unsourced_attribution" in s["labels"]]}] if markers["unsourced_attribution"] else []
    return {"id": article_id, "source": article_id, "lang": lang, **({"meta": meta} if meta else {}), "sentences": sentences, "markers": markers,
            "credibility": {"score": score, "band": band, "reasons": reasons, "outlet": None}}


@pytest.fixture
def results(tmp_path: Path) -> Path:
    lines = [
        result_line("clean", 0.95, "high", [("Der Rat stimmte am Dienstag zu.", [])], {"outlet": "Weserland-Zeitung"}),
        result_line("hostile", 0.2, "low", [("<script>alert('x')</script> Experten zufolge ist alles anders.", ["unsourced_attribution"]),
                                            ("Teilen Sie diesen Artikel!", ["boilerplate", "appeal"])], {"url": "https://example.org/a"}, "en"),
    ]
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def test_report_has_an_overview_sorted_by_credibility_and_a_page_per_article(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    assert write_report(results, out, LABELS, {"appeal": 0.6}) == 2
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.index("hostile") < index.index("clean")  # least credible first
    assert "Weserland-Zeitung" in index and "example.org" in index  # outlet from the field, else the url's host
    assert "<svg" in index and (out / "report.css").is_file() and (out / "report.js").is_file()
    pages = sorted((out / "articles").iterdir())
    assert len(pages) == 2
    hostile = next(p for p in pages if "hostile" in p.name).read_text(encoding="utf-8")
    assert "<script>alert" not in hostile and "&lt;script&gt;alert" in hostile  # article text is escaped
    assert 'data-labels="boilerplate appeal"' in hostile and 'data-labels="unsourced_attribution"' in hostile
    assert "(threshold 0.60)" in hostile and 'href="#s0"' in hostile  # hover scores and reason links


def test_report_replaces_an_old_report_whole(results: Path, tmp_path: Path) -> None:
    out = tmp_path / "report"
    write_report(results, out, LABELS, {})
    (out / "articles" / "stale.html").write_text("old")
    write_report(results, out, LABELS, {})
    assert not (out / "articles" / "stale.html").exists()


def test_bad_results_are_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x"}\n')
    with pytest.raises(PropmarkError, match="bad.jsonl:1: not a propmark result"):
        write_report(bad, tmp_path / "r", LABELS, {})
    result = CliRunner().invoke(app, ["report", str(tmp_path / "missing.jsonl"), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "no such results file" in result.output
    assert not (tmp_path / "r").exists()


def test_the_outlet_table_pools_an_outlets_articles_with_its_prior(tmp_path: Path) -> None:
    from propmark.credibility.prior import logit

    def with_evidence(article_id: str, content_p: float) -> dict:
        line = result_line(article_id, 0.5, "mixed", [("Experten zufolge ist alles anders.", ["unsourced_attribution"])],
                           {"url": f"https://news.pooled-outlet.de/{article_id}"})
        line["credibility"]["evidence"] = {"prior": {"p_low": 0.25, "sd": 1.75, "basis": "unlisted outlet", "listed": False},
                                           "content_log_odds": logit(content_p), "sd": 1.1, "interval": [0.2, 0.8]}
        return line

    lines = [with_evidence(f"a{i}", 0.8) for i in range(6)] + [result_line("other", 0.9, "unrated", [("Der Rat tagte.", [])])]
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    write_report(path, tmp_path / "report", LABELS, {})
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    row = index[index.index("<td>pooled-outlet.de</td>"):].split("</tr>")[0]  # keyed by registered domain
    assert "<td class=\"num\">6</td>" in row and "unlisted outlet" in row
    pooled = float(row.split('data-v="')[1].split('"')[0])
    assert pooled < 0.4  # six articles at P(low) 0.8 outweigh the prior's 0.25
    assert "unrated credibility" in index  # the band is counted on the overview
    article = next((tmp_path / "report" / "articles").glob("*a0*")).read_text(encoding="utf-8")
    assert "lowers credibility by 0.20" in article and "95% interval" in article
