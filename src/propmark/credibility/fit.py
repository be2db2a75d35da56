"""Fit the content weights on real article judgements and measure every part on held-out real articles.

Features are computed from what the marker model predicts (not from gold sentence labels),
so the measured AUROC includes the marker model's own errors, as a user would meet them.
Each feature is first put on the real-page scale (its place among real reference pages)
and gets a weight only where it ranks the real training articles (``fit.gate_corpora``)
above chance (the 95% bootstrap interval of its AUROC above 0.5, resampled by outlet); the
rest stay at 0 and are reported. The team's own judged articles train too (they are the
only German and Norwegian judgements there are), but never decide which features count: on
the team's prose a marker rate separates low from high far better than on real pages.
``style_probe`` is fitted first, on the training articles' unit embeddings; the training
rows get its out-of-fold values, so its gate and weight are judged on articles it did not
learn from. Each corpus gets its own intercept (NewsAgendas is 42% low, real pages are
not); at inference the intercept is the one at which real reference pages average the
configured base rate. The measured rows keep prior, content and both apart, beside the
baseline a newsroom would try first: count the flagged sentences.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import brier_score_loss, roc_auc_score

from propmark.config import load_config
from propmark.credibility.datasets import LabeledArticle
from propmark.credibility.features import article_features, body_rows, feature_names, transform
from propmark.credibility.model import CredibilityModel
from propmark.credibility.pooling import OutletEstimate, sigmoid
from propmark.credibility.prior import Prior, prior_for
from propmark.credibility.probe import Probe, fit_probe
from propmark.errors import DataError
from propmark.markers.calibration import bin_index, expected_calibration_error
from propmark.result import Result

MARKERS_COUNTED = ("appeal", "unsourced_attribution", "state_media_disclaimer")
RELIABILITY_BINS = 5
SD_FLOOR = 0.05


@dataclass
class Row:
    values: dict[str, float]
    count: int  # flagged marker sentences, the baseline's only input
    low: bool | None  # None: no judgement (pooled per outlet, never measured)
    corpus: str
    split: str
    group: str  # the outlet (or the article where none is known): resampling and splits go by it
    prior: Prior
    embedding: np.ndarray | None = None  # the mean body-unit embedding, which style_probe reads


def marker_count(result: Result) -> int:
    return sum(1 for s in result.sentences if set(s.labels) & set(MARKERS_COUNTED))


def rows_from(results: Sequence[Result], labeled: Sequence[LabeledArticle], embeddings: Sequence[np.ndarray] | None = None) -> list[Row]:
    """One row per scored article; ``embeddings``, per article, its unit embeddings (for style_probe)."""
    rows = []
    for n, (result, item) in enumerate(zip(results, labeled)):
        values, _, match = article_features(result)
        outlet = item.outlet or (match.outlet if match else None)
        mean = body_rows(result, embeddings[n])[1].mean(0) if embeddings is not None and len(result.sentences) else None
        rows.append(Row(values, marker_count(result), item.low, item.corpus, item.split, item.group, prior_for(outlet), mean))
    return rows


def bootstrap_auroc(y: np.ndarray, p: np.ndarray, groups: Sequence[str], rounds: int, seed: int) -> tuple[float, float, float] | None:
    """AUROC with its 95% interval, resampling whole groups (an outlet's articles are not independent)."""
    if len(set(y.tolist())) < 2:
        return None
    point = float(roc_auc_score(y, p))
    names = sorted(set(groups))
    index = {g: np.flatnonzero(np.array(groups) == g) for g in names}
    rng = np.random.default_rng(seed)
    draws = []
    for _ in range(rounds):
        take = np.concatenate([index[names[i]] for i in rng.integers(0, len(names), len(names))])
        if len(set(y[take].tolist())) == 2:
            draws.append(roc_auc_score(y[take], p[take]))
    low, high = np.percentile(draws, [2.5, 97.5]) if draws else (math.nan, math.nan)
    return round(point, 4), round(float(low), 4), round(float(high), 4)


def measure(y: np.ndarray, p: np.ndarray, groups: Sequence[str], rounds: int, seed: int) -> dict:
    """AUROC (with its bootstrap interval), Brier score, ECE and a reliability table for predicted P(low)."""
    out: dict = {"articles": int(len(y)), "low": int(y.sum())}
    auc = bootstrap_auroc(y, p, groups, rounds, seed)
    if auc is None:
        return {**out, "auroc": None, "auroc_95": None, "brier": None, "ece": None, "reliability": []}
    which, edges = bin_index(p, RELIABILITY_BINS)
    table = [
        {"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "articles": int((which == b).sum()),
         "predicted": round(float(p[which == b].mean()), 3), "observed": round(float(y[which == b].mean()), 3)}
        for b in range(RELIABILITY_BINS) if (which == b).any()
    ]
    return {**out, "auroc": auc[0], "auroc_95": [auc[1], auc[2]], "brier": round(float(brier_score_loss(y, p)), 4),
            "ece": round(expected_calibration_error(y, p, RELIABILITY_BINS), 4), "reliability": table}


def reference(rows: Sequence[Row], names: Sequence[str]) -> dict[str, list[float]]:
    """Mean and spread of each transformed feature (log(1 + x) for rates, style_probe as it is) over the reference rows."""
    values = _transformed(rows, names)
    return {n: [round(float(np.nanmean(values[:, i])), 6), round(max(float(np.nanstd(values[:, i])), SD_FLOOR), 6)]
            for i, n in enumerate(names)}


def _transformed(rows: Sequence[Row], names: Sequence[str]) -> np.ndarray:
    """Transformed values; NaN where a value is missing (style_probe without embeddings)."""
    return np.array([[math.nan if r.values[n] is None else transform(n, r.values[n]) for n in names] for r in rows], dtype=float)


def _scaled(rows: Sequence[Row], ref: dict[str, list[float]], names: Sequence[str]) -> np.ndarray:
    """Places among the reference pages; a missing value is a typical page's (0), as ``CredibilityModel.scaled`` has it."""
    z = (_transformed(rows, names) - np.array([ref[n][0] for n in names])) / np.array([ref[n][1] for n in names])
    return np.nan_to_num(z, nan=0.0)


def _trains(row: Row, corpora: Sequence[str]) -> bool:
    """A judged training article of a corpus the weights are fitted on."""
    return row.split == "train" and row.corpus in corpora and row.low is not None


def _add_probe(rows: Sequence[Row], corpora: Sequence[str], fcfg: dict, seed: int, log: Callable[[str], None]) -> dict | None:
    """Fit style_probe on the training rows' embeddings and give every row its value (out-of-fold for training rows).

    Rows without embeddings (built from results alone, or an article with no units) keep
    the feature missing; with no training embeddings at all the probe stays unfitted and
    the feature carries no weight.
    """
    train = [r for r in rows if _trains(r, corpora) and r.embedding is not None]
    skipped = sum(1 for r in rows if _trains(r, corpora) and r.embedding is None)
    if skipped:
        log(f"style_probe: {skipped} training articles have no unit embeddings and are left out of its fit")
    if len({r.low for r in train}) < 2:
        return None
    X = np.stack([r.embedding for r in train])
    y = np.array([r.low for r in train], dtype=int)
    probe, oof = fit_probe(X, y, [r.group for r in train], [float(c) for c in fcfg["probe_C"]], int(fcfg["probe_folds"]), seed)
    log(f"style_probe: C = {probe.C}, out-of-fold AUROC on the training articles {probe.cv_auroc}")
    for r, v in zip(train, oof):
        r.values["style_probe"] = float(v)
    saved = probe.as_dict()
    probe = Probe(**saved)  # as stored (rounded), so the rows measured are scored as a user's will be
    for r in rows:
        if not _trains(r, corpora) and r.embedding is not None:
            r.values["style_probe"] = probe.value(r.embedding)
    return saved


def _intercept_for(base_rate: float, scores: np.ndarray) -> float:
    """The intercept at which mean sigmoid(intercept + scores) is the base rate (bisection: it is monotone)."""
    low, high = -20.0, 20.0
    for _ in range(80):
        mid = (low + high) / 2
        if np.mean(1.0 / (1.0 + np.exp(-(mid + scores)))) < base_rate:
            low = mid
        else:
            high = mid
    return (low + high) / 2


def fit(rows: Sequence[Row], log: Callable[[str], None] = lambda _: None, train_corpora: Sequence[str] | None = None) -> CredibilityModel:
    """Fit on the train rows of ``fit.train_corpora``; measure on every corpus's test rows.

    Rows of corpus "real" (the project's annotated real pages, no judgement needed) are the
    reference pages: their train split sets the real-page scale and the inference intercept.
    """
    cfg = load_config("credibility")
    fcfg = cfg["fit"]
    C, seed, rounds = float(fcfg["C"]), int(fcfg["seed"]), int(fcfg["bootstrap"])
    corpora = list(train_corpora or fcfg["train_corpora"])
    names = feature_names()
    train = [r for r in rows if _trains(r, corpora)]
    if len({r.low for r in train}) < 2:
        raise DataError("the training articles need both low-credibility and other judgements")
    probe = _add_probe(rows, corpora, fcfg, seed, log)
    pages = [r for r in rows if r.corpus == "real" and r.split == "train"] or train
    ref = reference(pages + train, names)
    X, y = _scaled(train, ref, names), np.array([r.low for r in train], dtype=float)
    groups = [r.group for r in train]
    judged = np.array([r.corpus in fcfg["gate_corpora"] for r in train])  # real articles decide which features carry signal
    if len(set(y[judged].tolist())) < 2:
        raise DataError(f"the training articles of {', '.join(fcfg['gate_corpora'])} need both low-credibility and other judgements")
    signal = {}
    for i, name in enumerate(names):
        auc = bootstrap_auroc(y[judged], X[judged, i], [g for g, j in zip(groups, judged) if j], rounds, seed)
        signal[name] = {"auroc": auc[0], "auroc_95": [auc[1], auc[2]]} if auc else {"auroc": None, "auroc_95": None}
    keep = [i for i, n in enumerate(names) if signal[n]["auroc"] is not None and signal[n]["auroc_95"][0] > float(fcfg["min_auroc_lower"])]
    dummies = np.array([[float(r.corpus == c) for c in corpora] for r in train])
    weights = np.zeros(len(names))
    while True:  # a kept feature whose fitted weight turns negative (more of a marker, more credible) is dropped
        design = np.hstack([X[:, keep], dummies]) if keep else dummies
        lr = LogisticRegression(C=C, fit_intercept=False, random_state=seed, max_iter=2000).fit(design, y)
        coef = lr.coef_[0]
        negative = [k for k, w in zip(keep, coef[:len(keep)]) if w <= 0]
        if not negative:
            break
        keep = [k for k in keep if k not in negative]
    weights[keep] = coef[:len(keep)]
    alphas = {c: float(a) for c, a in zip(corpora, coef[len(keep):])}
    shift = _scaled(pages, ref, names) @ weights
    intercept = _intercept_for(float(fcfg["base_rate"]), shift)
    model = CredibilityModel(names, [round(float(w), 6) for w in weights], round(intercept, 6), ref, float(cfg["sigma"]), probe=probe)
    for name in names:
        log(f"{name}: AUROC on the real training articles {signal[name]['auroc']} {signal[name]['auroc_95']}, weight {weights[names.index(name)]:.3f}")
    evaluation = {}
    for corpus in sorted({r.corpus for r in rows if r.split == "test"}):
        test = [r for r in rows if r.split == "test" and r.corpus == corpus and r.low is not None]
        evaluation[corpus] = evaluate(model, test, alphas.get(corpus), rounds, seed)
        log(f"{corpus} test: content AUROC {evaluation[corpus]['content']['auroc']}, prior {evaluation[corpus]['prior']['auroc']}, "
            f"both {evaluation[corpus]['both']['auroc']}")
    readings: dict[str, list[float]] = {}
    for r in rows:
        if r.corpus == "real":
            n, total = readings.get(r.group, [0, 0.0])
            readings[r.group] = [n + 1, round(total + model.content_log_odds(r.values), 4)]
    model.info = {
        "target": "P(low): an annotator judged the article low-credibility (own: 'low'; newsagendas: agenda score >= "
                  f"{fcfg['low_agenda_score']}; real: its outlet is listed and its list prior is P(low) >= 0.5; pages of unlisted outlets are not measured)",
        "train_articles": {c: sum(1 for r in train if r.corpus == c) for c in corpora},
        "reference_pages": len(pages), "corpus_intercepts": {c: round(a, 4) for c, a in alphas.items()},
        "feature_signal": signal, "outlet_readings": readings,
        "probe": {"C": probe["C"], "grid": [float(c) for c in fcfg["probe_C"]], "cv_auroc": probe["cv_auroc"]} if probe else None, "C": C, "seed": seed, "train_corpora": corpora,
        "gate_corpora": list(fcfg["gate_corpora"]), "evaluation": evaluation,
    }
    return model


def evaluate(model: CredibilityModel, rows: Sequence[Row], intercept: float | None, rounds: int, seed: int) -> dict:
    """Prior only, content only, both and the marker count on held-out rows, each with its bootstrap interval.

    ``intercept``: the corpus's own fitted intercept where it has one, so content is judged
    against that corpus's base rate; else the real-page one.
    """
    y = np.array([r.low for r in rows], dtype=float)
    groups = [r.group for r in rows]
    shift = 0.0 if intercept is None else intercept - model.intercept
    content = np.array([model.content_log_odds(r.values) + shift for r in rows])
    prior = np.array([r.prior.mean for r in rows])
    both = np.array([OutletEstimate(r.prior, model.sigma).add(c).mean for r, c in zip(rows, content)])
    counts = np.array([r.count for r in rows], dtype=float)
    p = lambda z: np.array([sigmoid(v) for v in z])  # noqa: E731
    out = {name: measure(y, p(v), groups, rounds, seed) for name, v in (("content", content), ("prior", prior), ("both", both))}
    auc = bootstrap_auroc(y, counts, groups, rounds, seed)
    out["marker_count"] = {"auroc": auc[0] if auc else None, "auroc_95": [auc[1], auc[2]] if auc else None}
    z = _scaled(rows, model.reference, model.features)  # a missing value ranks as a typical page
    out["feature_auroc"] = {n: (round(float(roc_auc_score(y, z[:, i])), 4) if len(set(y.tolist())) == 2 else None)
                            for i, n in enumerate(model.features)}
    return out
