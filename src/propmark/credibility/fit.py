"""Fit the credibility model on article-level judgements and measure it on held-out articles.

Features are computed from what the marker model predicts (not from gold sentence labels),
so the measured AUROC includes the marker model's own errors, as a user would meet them.
Beside it stands the baseline a newsroom would try first: count the flagged sentences.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from propmark.result import Result

from propmark.markers.calibration import bin_index, expected_calibration_error
from propmark.config import load_config
from propmark.credibility.datasets import LabeledArticle
from propmark.credibility.features import article_features, feature_names
from propmark.credibility.model import CredibilityModel
from propmark.errors import DataError

MARKERS_COUNTED = ("appeal", "unsourced_attribution", "state_media_disclaimer")
RELIABILITY_BINS = 5


@dataclass
class Row:
    features: np.ndarray
    count: int  # flagged marker sentences, the baseline's only input
    low: bool
    corpus: str
    split: str


def marker_count(result: Result) -> int:
    return sum(1 for s in result.sentences if set(s.labels) & set(MARKERS_COUNTED))


def rows_from(results: Sequence[Result], labeled: Sequence[LabeledArticle]) -> list[Row]:
    names = feature_names()
    rows = []
    for result, item in zip(results, labeled):
        values = article_features(result)[0]
        rows.append(Row(np.array([values[n] for n in names]), marker_count(result), item.low, item.corpus, item.split))
    return rows


def _classifier(C: float, seed: int):
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, random_state=seed, max_iter=1000))


def measure(y: np.ndarray, p: np.ndarray) -> dict:
    """AUROC, Brier score, ECE and a reliability table for predicted P(low)."""
    out = {"articles": int(len(y)), "low": int(y.sum())}
    if len(set(y.tolist())) < 2:
        return {**out, "auroc": None, "brier": None, "ece": None, "reliability": []}
    which, edges = bin_index(p, RELIABILITY_BINS)
    table = [
        {"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "articles": int((which == b).sum()),
         "predicted": round(float(p[which == b].mean()), 3), "observed": round(float(y[which == b].mean()), 3)}
        for b in range(RELIABILITY_BINS) if (which == b).any()
    ]
    return {**out, "auroc": round(float(roc_auc_score(y, p)), 4), "brier": round(float(brier_score_loss(y, p)), 4),
            "ece": round(expected_calibration_error(y, p, RELIABILITY_BINS), 4), "reliability": table}


def fit(rows: Sequence[Row], log: Callable[[str], None] = lambda _: None, train_corpora: Sequence[str] | None = None) -> CredibilityModel:
    """Fit on the train rows of ``fit.train_corpora``; measure on every corpus's test rows, beside the marker-count baseline.

    The baseline's AUROC needs no fitting (more flagged sentences = less credible); it is
    fitted as a one-feature logistic regression only so its calibration can be compared too.
    """
    cfg = load_config("credibility")
    C, seed = float(cfg["fit"]["C"]), int(cfg["fit"]["seed"])
    corpora = set(train_corpora or cfg["fit"]["train_corpora"])
    train = [r for r in rows if r.split == "train" and r.corpus in corpora]
    if len({r.low for r in train}) < 2:
        raise DataError("the training articles need both low-credibility and other judgements")
    X, y = np.stack([r.features for r in train]), np.array([r.low for r in train], dtype=float)
    counts = np.array([[r.count] for r in train], dtype=float)
    clf = _classifier(C, seed).fit(X, y)
    baseline = _classifier(C, seed).fit(counts, y)
    scaler, lr = clf.named_steps["standardscaler"], clf.named_steps["logisticregression"]
    std_w = lr.coef_[0]
    raw_w = std_w / scaler.scale_
    intercept = float(lr.intercept_[0] - np.sum(std_w * scaler.mean_ / scaler.scale_))
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    cv = {name: cross_val_predict(_classifier(C, seed), data, y, cv=folds, method="predict_proba")[:, 1] for name, data in (("model", X), ("marker_count", counts))}
    evaluation: dict = {"cross_validated_train": {name: measure(y, p) for name, p in cv.items()}}
    for corpus in sorted({r.corpus for r in rows}) + ["all"]:
        test = [r for r in rows if r.split == "test" and corpus in (r.corpus, "all")]
        if not test:
            continue
        yt = np.array([r.low for r in test], dtype=float)
        evaluation[corpus] = {
            "model": measure(yt, clf.predict_proba(np.stack([r.features for r in test]))[:, 1]),
            "marker_count": measure(yt, baseline.predict_proba(np.array([[r.count] for r in test], dtype=float))[:, 1]),
        }
        log(f"{corpus}: AUROC {evaluation[corpus]['model']['auroc']} (marker count {evaluation[corpus]['marker_count']['auroc']})")
    names = feature_names()
    info = {
        "target": "P(low): an annotator judged the article low-credibility (own: 'low'; newsagendas: agenda score >= "
                  f"{cfg['fit']['low_agenda_score']})",
        "train_articles": {c: sum(1 for r in train if r.corpus == c) for c in sorted({r.corpus for r in train})},
        "standardized_weights": {n: round(float(w), 4) for n, w in zip(names, std_w)},
        "feature_means": {n: round(float(m), 4) for n, m in zip(names, scaler.mean_)},
        "C": C, "seed": seed, "train_corpora": sorted(corpora), "evaluation": evaluation,
    }
    return CredibilityModel(names, [round(float(w), 6) for w in raw_w], round(intercept, 6), dict(cfg["bands"]), info)
