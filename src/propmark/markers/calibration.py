"""Probability calibration (Platt scaling per label) and expected calibration error.

A sentence score of 0.8 should mean that about 80% of such sentences carry the label;
users read scores as probabilities and the credibility features are built from them.
Thresholds are chosen after calibration, so calibrating never changes which sentences
are flagged on dev; it changes what the numbers mean.
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression

ECE_BINS = 15
_EPS = 1e-6


def logit(probs: np.ndarray) -> np.ndarray:
    clipped = np.clip(probs, _EPS, 1 - _EPS)
    return np.log(clipped / (1 - clipped))


def fit_platt(y_true: np.ndarray, probs: np.ndarray) -> list[list[float]]:
    """Per label ``[a, b]`` so that ``sigmoid(a * logit(p) + b)`` fits the dev labels.

    A label without both classes on dev keeps the identity ``[1, 0]``; so does a fit
    whose slope is not positive, which would invert the model's ranking.
    """
    params = []
    for j in range(y_true.shape[1]):
        column = y_true[:, j]
        if column.min() == column.max():
            params.append([1.0, 0.0])
            continue
        fit = LogisticRegression(C=100.0).fit(logit(probs[:, j]).reshape(-1, 1), column)
        a, b = float(fit.coef_[0, 0]), float(fit.intercept_[0])
        params.append([a, b] if a > 0 else [1.0, 0.0])
    return params


def scale_logits(logits: torch.Tensor, params: list[list[float]]) -> torch.Tensor:
    """``a * logit + b`` per label (the Platt map in logit space); empty ``params`` is the identity."""
    if not params:
        return logits
    a = logits.new_tensor([p[0] for p in params])
    b = logits.new_tensor([p[1] for p in params])
    return logits * a + b


def recalibrate(probs: np.ndarray, params: list[list[float]]) -> np.ndarray:
    """Apply ``params`` to probabilities already computed, through the same map inference uses."""
    logits = torch.from_numpy(logit(probs.astype(np.float64)))
    return torch.sigmoid(scale_logits(logits, params)).numpy().astype(probs.dtype)


def bin_index(probs: np.ndarray, bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Each probability's equal-width bin (0..bins-1) and the bin edges: the reliability-diagram bins."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    return np.clip(np.digitize(probs, edges[1:-1]), 0, bins - 1), edges


def expected_calibration_error(y_true: np.ndarray, probs: np.ndarray, bins: int = ECE_BINS) -> float:
    """Mean |accuracy - confidence| over equal-width probability bins, weighted by bin size.

    Computed on the positive-class probability of one label (the reliability-diagram
    form), so a model that says 0.9 for sentences that are labeled half the time scores badly.
    """
    if len(y_true) == 0:
        return 0.0
    which, _ = bin_index(probs, bins)
    error = 0.0
    for b in range(bins):
        chosen = which == b
        if chosen.any():
            error += chosen.mean() * abs(y_true[chosen].mean() - probs[chosen].mean())
    return float(error)
