import json
import math
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pytest

from propmark.config import load_config
from propmark.credibility.datasets import newsagendas
from propmark.credibility.features import article_features, feature_names
from propmark.credibility.fit import Row, fit, marker_count
from propmark.credibility.model import CredibilityModel
from propmark.credibility.pooling import OutletEstimate
from propmark.credibility.prior import Prior, logit, prior_for
from propmark.credibility.probe import fit_probe
from propmark.credibility.outlets import Outlet
from propmark.errors import DataError, PropmarkError
from propmark.result import Result


def _sentence(text: str, labels: list[str], scores: dict | None = None) -> dict:
    return {"start": 0, "end": len(text), "text": text, "labels": labels, "scores": scores or {}}


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
            _sentence(f"Experten zufolge soll alles anders sein {words}.", ["unsourced_attribution"], {"unsourced_attribution": 0.9}),
            _sentence(f"Der Minister sagte am Montag {words}.", [], {"unsourced_attribution": 0.1}),
            _sentence(f"Teilen Sie diesen Artikel jetzt {words}.", ["appeal"], {"appeal": 0.8}),
            _sentence("Unterstützen Sie uns mit einer Spende!", ["boilerplate", "appeal"]),
            _sentence("Durch die Sperrung von RT zielt die EU darauf ab, uns zum Schweigen zu bringen.", ["boilerplate", "state_media_disclaimer"]),
        ],
    }


def _clean(meta: dict | None = None) -> dict:
    return {"meta": meta or {}, "sentences": [_sentence("Der Rat stimmte am Dienstag mit 21 zu 8 Stimmen zu.", [])]}


def _model(weights: dict[str, float] | None = None, intercept: float = -1.0, sigma: float = 1.5) -> CredibilityModel:
    names = feature_names()
    weights = weights or {}
    return CredibilityModel(names, [weights.get(n, 0.0) for n in names], intercept, {n: [0.0, 1.0] for n in names}, sigma)


def test_features_are_marker_rates_and_mean_scores_of_the_body() -> None:
    values, behind, outlet = article_features(_result(_article()))
    rate = 1000 / (55 + 54 + 54)  # body words
    assert values["unsourced_per_1k_words"] == pytest.approx(rate) and values["appeal_per_1k_words"] == pytest.approx(rate)
    assert values["unsourced_mean_score"] == pytest.approx((0.9 + 0.1) / 3) and values["headline_appeal_score"] == 0.0
    assert values["boilerplate_appeals"] == 1 and values["state_media_notices"] == 1 and values["boilerplate_share"] == pytest.approx(3 / 6)
    assert behind["unsourced_per_1k_words"] == [1] and behind["boilerplate_appeals"] == [4] and behind["state_media_notices"] == [5]
    assert outlet.outlet.name == "RT" and outlet.matched_by == "disclaimer"


def test_score_pools_the_outlet_prior_with_the_content_log_odds() -> None:
    model = _model({"unsourced_per_1k_words": 0.3, "state_media_notices": 0.5})
    result = _assess(model, _article())
    values = article_features(_result(_article()))[0]
    content = -1.0 + 0.3 * math.log1p(values["unsourced_per_1k_words"]) + 0.5 * math.log1p(1.0)
    prior = prior_for(Outlet("RT", "rt.com", "", "Russia", "SC", True, (), ()))  # named in its own notice
    expected = OutletEstimate(prior, 1.5).add(content)
    assert result["score"] == pytest.approx(expected.score, abs=1e-4)
    assert result["evidence"]["content_log_odds"] == pytest.approx(content, abs=1e-4)
    assert result["evidence"]["prior"]["basis"] == "ASD SC" and result["evidence"]["sd"] == pytest.approx(expected.sd, abs=1e-4)


def test_reasons_lower_the_score_where_a_marker_is_above_a_typical_page_and_name_their_sentences() -> None:
    model = _model({"unsourced_per_1k_words": 0.3, "appeal_per_1k_words": 0.2})
    result = _assess(model, _article({"outlet": "Hanseatische Allgemeine"}))
    reasons = {r["feature"]: r for r in result["reasons"]}
    assert set(reasons) == {"unsourced_per_1k_words", "appeal_per_1k_words", "outlet_prior"}  # weight 0: never a reason
    assert reasons["unsourced_per_1k_words"]["effect"] < 0 and reasons["unsourced_per_1k_words"]["sentences"] == [1]
    assert reasons["outlet_prior"]["effect"] < 0  # RT's prior lowers it against an unlisted outlet's
    assert [r["effect"] for r in result["reasons"]] == sorted(r["effect"] for r in result["reasons"])
    # a marker rate below the reference mean raises the score, and says so
    below = CredibilityModel(model.features, model.weights, model.intercept, {n: [5.0, 1.0] for n in model.features}, 1.5)
    raised = {r["feature"]: r for r in _assess(below, _article())["reasons"]}
    assert raised["unsourced_per_1k_words"]["effect"] > 0 and raised["unsourced_per_1k_words"]["log_odds"] < 0


def test_an_unlisted_outlet_with_one_clean_article_is_unrated_not_high() -> None:
    model = _model(intercept=-3.0)
    unlisted = _assess(model, _clean())
    assert unlisted["score"] >= 0.65 and unlisted["band"] == "unrated" and unlisted["reasons"] == []
    listed = _assess(model, _clean({"url": "https://www.nrk.no/x"}))  # ASD ISM: a listed, independent outlet
    assert listed["band"] == "high" and listed["outlet"]["name"] == "NRK"
    evidence_against = _assess(_model(intercept=1.0), _clean())
    assert evidence_against["band"] in ("mixed", "low")  # content can always speak against


def test_a_state_controlled_outlet_is_at_most_mixed_and_its_status_is_a_fact_beside_the_score() -> None:
    result = _assess(_model(intercept=-6.0), _clean({"url": "https://de.rt.com/a"}))
    assert result["score"] >= 0.65 and result["band"] == "mixed"
    assert result["outlet"]["state_controlled"] and result["outlet"]["typology"] == "SC"


def test_outlet_estimate_is_the_prior_without_articles_and_follows_many() -> None:
    prior = Prior(logit(0.25), 1.75, "unlisted outlet", False)
    estimate = OutletEstimate(prior, 1.5)
    assert estimate.score == pytest.approx(0.75) and estimate.sd == pytest.approx(1.75)
    for _ in range(50):
        estimate.add(logit(0.8))
    assert estimate.score == pytest.approx(0.2, abs=0.02) and estimate.sd < 0.25
    low, high = estimate.interval()
    assert low < estimate.score < high
    assert OutletEstimate(Prior(0.0, 1.0, "x", True), 1.5).prior_worth == pytest.approx(2.25)


def test_saved_model_reads_back_and_refuses_other_features(tmp_path: Path) -> None:
    model = _model({"appeal_mean_score": 0.4})
    (tmp_path / "credibility.json").write_text(model.to_json())
    assert CredibilityModel.read(tmp_path / "credibility.json") == model
    data = json.loads((tmp_path / "credibility.json").read_text())
    data["features"][0] = "something_else"
    (tmp_path / "bad.json").write_text(json.dumps(data))
    with pytest.raises(PropmarkError, match="fitted on features"):
        CredibilityModel.read(tmp_path / "bad.json")
    (tmp_path / "old.json").write_text(json.dumps({"features": model.features, "weights": model.weights, "intercept": 0, "bands": {}}))
    with pytest.raises(PropmarkError, match="refit"):
        CredibilityModel.read(tmp_path / "old.json")


def _rows(n: int, signal: str, seed: int = 0) -> list[Row]:
    rng = np.random.default_rng(seed)
    rows = []
    names = feature_names()
    for i in range(n):
        low = i % 3 == 0
        values = {f: float(abs(rng.normal(1.0, 0.5))) for f in names}
        values[signal] += 3.0 if low else 0.0
        values["boilerplate_share"] = 0.5 + (-0.3 if low else 0.3) + float(rng.normal(0, 0.05))  # a real signal, but the wrong way
        rows.append(Row(values, int(low) * 3, low, "newsagendas", "test" if i >= 0.75 * n else "train", f"outlet-{i % 40}",
                        prior_for(None)))
    return rows


def test_fit_weights_only_features_that_rank_real_articles_and_measures_prior_content_and_both() -> None:
    model = fit(_rows(400, "unsourced_mean_score"))
    weights = dict(zip(model.features, model.weights))
    assert weights["unsourced_mean_score"] > 0
    assert weights["boilerplate_share"] == 0.0  # more furniture = more credible is not a reason to trust
    assert sum(1 for w in weights.values() if w) <= 2  # noise features stay at 0 (their interval includes chance)
    signal = model.info["feature_signal"]["unsourced_mean_score"]
    assert signal["auroc"] > 0.9 and signal["auroc_95"][0] > 0.8
    held_out = model.info["evaluation"]["newsagendas"]
    assert held_out["content"]["articles"] == 100 and held_out["content"]["auroc"] > 0.9 and held_out["content"]["ece"] < 0.2
    assert held_out["prior"]["auroc"] == pytest.approx(0.5)  # every row has the unlisted prior: no ranking
    assert held_out["marker_count"]["auroc"] == 1.0
    assert held_out["content"]["auroc_95"][0] <= held_out["content"]["auroc"] <= held_out["content"]["auroc_95"][1]


def test_fit_refuses_training_articles_of_one_kind() -> None:
    rows = [r for r in _rows(60, "appeal_mean_score") if not r.low]
    with pytest.raises(Exception, match="both"):
        fit(rows)


def test_marker_count_counts_flagged_marker_sentences_not_boilerplate() -> None:
    assert marker_count(_result(_article())) == 4


def test_newsagendas_reader_keeps_scored_articles_their_split_and_their_source_types(tmp_path: Path) -> None:
    lines = [
        {"id": "1", "article-title": "A title", "article-contents": "First para.</br></br>Second para.", "annotated-agenda-score": "5",
         "split": "dev", "weak-label-0": "conspiracy", "weak-label-1": "", "weak-label-2": ""},
        {"id": "2", "article-title": "B", "article-contents": "Text.", "annotated-agenda-score": "2", "split": "test"},
        {"id": "3", "article-title": "C", "article-contents": "Text.", "annotated-agenda-score": "no answer", "split": "full"},
    ]
    (tmp_path / "newsagendas.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    items = newsagendas(tmp_path)
    assert [(i.article.id, i.low, i.split) for i in items] == [("newsagendas-1", True, "train"), ("newsagendas-2", False, "test")]
    assert items[0].article.text == "A title\nFirst para.\nSecond para."
    assert items[0].outlet.fnc_types == ("conspiracy",) and prior_for(items[0].outlet).basis == "FakeNewsCorpus 'conspiracy'"
    assert items[1].outlet is None and not prior_for(items[1].outlet).listed


def _embedded_rows(n: int, seed: int = 0) -> list[Row]:
    """Rows whose markers say nothing and whose body embeddings lean one way when the article is low."""
    rows = _rows(n, "unsourced_mean_score", seed)
    rng = np.random.default_rng(seed + 1)
    for r in rows:
        r.values["unsourced_mean_score"] = float(abs(rng.normal(1.0, 0.5)))
        r.values["boilerplate_share"] = 0.5
        r.embedding = rng.normal(0, 1, 16) + (np.r_[1.5, np.zeros(15)] if r.low else 0.0)
    return rows


def test_the_probe_is_linear_on_the_mean_so_an_article_is_the_mean_of_its_units() -> None:
    rng = np.random.default_rng(3)
    y = np.arange(120) % 2
    X = rng.normal(0, 1, (120, 8)) + np.outer(y, np.r_[2.0, np.zeros(7)])
    probe, oof = fit_probe(X, y, [str(i) for i in range(120)], [0.01, 1.0], 5, 13)
    assert probe.cv_auroc > 0.85 and len(oof) == 120 and probe.C in (0.01, 1.0)
    units = rng.normal(0, 1, (5, 8))
    assert probe.value(units.mean(0)) == pytest.approx(float(probe.unit_values(units).mean()))


def test_fit_learns_how_articles_read_and_judges_the_probe_out_of_fold(tmp_path: Path) -> None:
    rows = _embedded_rows(400)
    model = fit(rows)
    weights = dict(zip(model.features, model.weights))
    assert weights["style_probe"] > 0 and model.probe is not None
    assert model.info["evaluation"]["newsagendas"]["content"]["auroc"] > 0.8
    train = [r for r in rows if r.split == "train"]
    probe = model._probe
    cfg = load_config("credibility")["fit"]
    _, oof = fit_probe(np.stack([r.embedding for r in train]), np.array([r.low for r in train], dtype=int), [r.group for r in train],
                       cfg["probe_C"], cfg["probe_folds"], cfg["seed"])
    np.testing.assert_allclose([r.values["style_probe"] for r in train], oof)  # the training rows carry out-of-fold values
    assert np.mean([abs(r.values["style_probe"] - probe.value(r.embedding)) for r in train]) > 0.01  # not the final probe's
    test = [r for r in rows if r.split == "test"]
    assert all(r.values["style_probe"] == pytest.approx(probe.value(r.embedding)) for r in test)
    (tmp_path / "credibility.json").write_text(model.to_json())
    again = CredibilityModel.read(tmp_path / "credibility.json")
    assert again._probe.value(test[0].embedding) == pytest.approx(probe.value(test[0].embedding), abs=1e-4)


def test_assess_names_the_sentences_that_read_most_like_low_credibility_articles() -> None:
    model = fit(_embedded_rows(400))
    record = _article()
    embeddings = np.zeros((6, 16))
    embeddings[2, 0] = 8.0  # the minister's sentence leans the probe's way
    embeddings[4, 0] = 20.0  # the donation plea leans further, but it is furniture
    result = asdict(model.assess(_result(record), embeddings))
    reasons = {r["feature"]: r for r in result["reasons"]}
    assert reasons["style_probe"]["sentences"][0] == 2 and 4 not in reasons["style_probe"]["sentences"]  # body only
    without = {r["feature"] for r in _assess(model, record)["reasons"]}
    assert "style_probe" not in without  # no embeddings: no evidence either way, not a typical page's reason


def test_real_pages_of_unlisted_outlets_carry_no_judgement(tmp_path: Path) -> None:
    from propmark.credibility.datasets import real_pages

    lines = [{"text": "Der Rat tagte.", "labels": [], "doc_id": "a/1", "outlet": "lokalblatt-nirgendwo.de"},
             {"text": "Die Lage ist ernst.", "labels": [], "doc_id": "b/1", "outlet": "https://de.rt.com/x"}]
    (tmp_path / "real.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    items = {i.article.id: i for i in real_pages([tmp_path / "real.jsonl"], {"a/1", "b/1"})}
    assert items["a/1"].low is None  # absence from the lists is not a verdict
    assert items["b/1"].low is True and items["b/1"].split == "test"


def test_own_articles_train_but_only_real_ones_decide_which_features_carry_signal() -> None:
    rows = _rows(400, "unsourced_mean_score")
    rng = np.random.default_rng(5)
    for r in rows:  # the real articles' unsourced scores say nothing; the team's articles' appeal scores say everything
        r.values["unsourced_mean_score"] = float(abs(rng.normal(1.0, 0.5)))
    own = _rows(300, "appeal_mean_score", seed=2)
    for r in own:
        r.corpus = "own"
    for r in rows:
        r.values["appeal_mean_score"] = float(abs(rng.normal(1.0, 0.5)))
    model = fit(rows + own)
    signal = model.info["feature_signal"]["appeal_mean_score"]
    assert dict(zip(model.features, model.weights))["appeal_mean_score"] == 0.0 and signal["auroc_95"][0] < 0.5 < signal["auroc_95"][1]
    assert model.info["train_articles"] == {"newsagendas": 300, "own": 225} and model.info["gate_corpora"] == ["newsagendas"]
    with pytest.raises(DataError, match="newsagendas need both"):
        fit([r for r in rows if not r.low] + own)
