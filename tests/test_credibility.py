import json
import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from propmark.credibility.datasets import newsagendas
from propmark.credibility.features import feature_names
from propmark.credibility.fit import Row, fit, marker_count
from propmark.credibility.model import CredibilityModel
from propmark.errors import PropmarkError
from propmark.result import Result


def _sentence(text: str, labels: list[str]) -> dict:
    return {"start": 0, "end": len(text), "text": text, "labels": labels, "scores": {}}


def _result(record: dict) -> Result:
    return Result.from_dict({"id": "a", "markers": {}, **record})


def _assess(model: CredibilityModel, record: dict) -> dict:
    return asdict(model.assess(_result(record)))


def _article(meta: dict | None = None) -> dict:
    words = " ".join(["wort"] * 49)
    return {
        "meta": meta or {},
        "sentences": [
            _sentence("Menü | Politik | Wirtschaft", ["boilerplate"]),
            _sentence(f"Experten zufolge soll alles anders sein {words}.", ["unsourced_attribution"]),
            _sentence(f"Der Minister sagte am Montag {words}.", []),
            _sentence(f"Teilen Sie diesen Artikel jetzt {words}.", ["appeal"]),
            _sentence("Unterstützen Sie uns mit einer Spende!", ["boilerplate", "appeal"]),
            _sentence("Durch die Sperrung von RT zielt die EU darauf ab, uns zum Schweigen zu bringen.", ["boilerplate", "state_media_disclaimer"]),
        ],
    }


def _model(weights: list[float], intercept: float = -2.0) -> CredibilityModel:
    return CredibilityModel(feature_names(), weights, intercept, {"high": 0.65, "mixed": 0.35, "low": 0.0})


def test_score_is_one_minus_the_logistic_of_the_weighted_features() -> None:
    model = _model([0.05, 0.05, 0.5, 0.3, 1.0, 1.0])
    result = _assess(model, _article())
    rate = 1000 / (55 + 54 + 54)  # body words; one unsourced and one appeal in them
    z = -2.0 + 0.05 * rate + 0.05 * rate + 0.5 * 1 + 0.3 * 1 + 1.0 * 3 / 6 + 1.0 * 1  # RT names itself in its notice
    assert result["score"] == pytest.approx(1 - 1 / (1 + math.exp(-z)), abs=1e-4)
    assert result["band"] == model.band(result["score"])
    assert result["outlet"]["name"] == "RT" and result["outlet"]["matched_by"] == "disclaimer"


def test_reasons_name_their_sentences_and_their_effect_is_the_score_without_them() -> None:
    model = _model([0.05, 0.05, 0.5, 0.3, 1.0, 1.0])
    article = _article({"outlet": "Hanseatische Allgemeine"})
    result = _assess(model, article)
    reasons = {r["feature"]: r for r in result["reasons"]}
    assert reasons["unsourced_per_1k_words"]["sentences"] == [1]
    assert reasons["appeal_per_1k_words"]["sentences"] == [3]
    assert reasons["boilerplate_appeals"]["sentences"] == [4]
    assert reasons["state_media_notices"]["sentences"] == [5]
    without = dict(zip(model.features, [reasons[f]["value"] if f in reasons else 0.0 for f in model.features]))
    without["appeal_per_1k_words"] = 0.0
    assert reasons["appeal_per_1k_words"]["effect"] == pytest.approx(result["score"] - (1 - model.p_low(without)), abs=1e-3)
    assert [r["effect"] for r in result["reasons"]] == sorted(r["effect"] for r in result["reasons"])
    assert result["outlet"]["name"] == "RT"  # the outlet field is not listed, the notice is


def test_an_article_without_markers_has_no_reasons() -> None:
    clean = {"meta": {}, "sentences": [_sentence("Der Rat stimmte am Dienstag mit 21 zu 8 Stimmen zu.", [])]}
    result = _assess(_model([0.1] * 6), clean)
    assert result["reasons"] == [] and result["outlet"] is None and result["band"] == "high"


def test_saved_model_reads_back_and_refuses_other_features(tmp_path: Path) -> None:
    model = _model([0.1, 0.2, 0.3, 0.4, 0.5, 0.6])
    (tmp_path / "credibility.json").write_text(model.to_json())
    assert CredibilityModel.read(tmp_path / "credibility.json") == model
    data = json.loads((tmp_path / "credibility.json").read_text())
    data["features"][0] = "something_else"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(PropmarkError, match="fitted on features"):
        CredibilityModel.read(tmp_path / "bad.json")


def test_fit_learns_the_direction_of_a_signal_and_measures_held_out_articles() -> None:
    rng = np.random.default_rng(0)
    rows = []
    for i in range(240):
        low = i % 3 == 0
        x = rng.normal(0, 1, 6) + np.array([3.0 if low else 0.0, 0, 0, 0, 0, 0])
        rows.append(Row(np.abs(x), int(low) * 3 + int(rng.integers(0, 3)), low, "own", "test" if i >= 180 else "train"))
    model = fit(rows)
    assert model.weights[0] > 0 and model.info["standardized_weights"]["unsourced_per_1k_words"] == max(model.info["standardized_weights"].values())
    held_out = model.info["evaluation"]["own"]
    assert held_out["model"]["articles"] == 60 and held_out["model"]["auroc"] > 0.9
    assert 0 <= held_out["model"]["ece"] < 0.2 and held_out["marker_count"]["auroc"] is not None


def test_marker_count_counts_flagged_marker_sentences_not_boilerplate() -> None:
    assert marker_count(_result(_article())) == 4


def test_newsagendas_reader_keeps_scored_articles_with_their_split(tmp_path: Path) -> None:
    lines = [
        {"id": "1", "article-title": "A title", "article-contents": "First para.</br></br>Second para.", "annotated-agenda-score": "5", "split": "dev"},
        {"id": "2", "article-title": "B", "article-contents": "Text.", "annotated-agenda-score": "2", "split": "test"},
        {"id": "3", "article-title": "C", "article-contents": "Text.", "annotated-agenda-score": "no answer", "split": "full"},
    ]
    (tmp_path / "newsagendas.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    items = newsagendas(tmp_path)
    assert [(i.article.id, i.low, i.split) for i in items] == [("newsagendas-1", True, "train"), ("newsagendas-2", False, "test")]
    assert items[0].article.text == "A title\nFirst para.\nSecond para."
