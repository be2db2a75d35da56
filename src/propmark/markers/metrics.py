"""Multi-label metrics and per-label threshold choice."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import f1_score, precision_recall_fscore_support

from propmark.markers.calibration import expected_calibration_error

THRESHOLD_GRID = np.round(np.arange(0.05, 0.96, 0.01), 2)


def label_matrix(labels: Sequence[Sequence[str]], names: Sequence[str]) -> np.ndarray:
    index = {name: i for i, name in enumerate(names)}
    out = np.zeros((len(labels), len(names)), dtype=np.int64)
    for row, sentence_labels in enumerate(labels):
        for label in sentence_labels:
            out[row, index[label]] = 1
    return out


def best_thresholds(y_true: np.ndarray, probs: np.ndarray) -> list[float]:
    """Per label, the grid threshold with the best F1 (ties go to the one nearest 0.5)."""
    chosen = []
    for j in range(y_true.shape[1]):
        if y_true[:, j].sum() == 0:
            chosen.append(0.5)
            continue
        scores = [(f1_score(y_true[:, j], probs[:, j] >= t, zero_division=0), -abs(t - 0.5), t) for t in THRESHOLD_GRID]
        chosen.append(float(max(scores)[2]))
    return chosen


def report(y_true: np.ndarray, y_pred: np.ndarray, names: Sequence[str]) -> dict:
    """P/R/F1/support per label, micro F1, and macro F1 over the labels that have support."""
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, average=None, labels=range(len(names)), zero_division=0)
    per_label = {
        name: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, name in enumerate(names)
    }
    supported = [f[i] for i in range(len(names)) if s[i] > 0]
    micro = f1_score(y_true, y_pred, average="micro", zero_division=0) if y_true.sum() or y_pred.sum() else 0.0
    return {
        "labels": per_label,
        "micro_f1": float(micro),
        "macro_f1": float(np.mean(supported)) if supported else 0.0,
    }


def evaluate(
    y_true: np.ndarray, y_pred: np.ndarray, names: Sequence[str], langs: Sequence[str], probs: np.ndarray | None = None
) -> dict:
    """``report`` overall plus the same per language; with ``probs``, each label's calibration error too."""
    result = report(y_true, y_pred, names)
    if probs is not None:
        for j, name in enumerate(names):
            result["labels"][name]["ece"] = expected_calibration_error(y_true[:, j], probs[:, j])
    langs_arr = np.asarray(langs)
    result["by_lang"] = {}
    for lang in sorted(set(langs)):
        chosen = langs_arr == lang
        result["by_lang"][lang] = {**report(y_true[chosen], y_pred[chosen], names), "sentences": int(chosen.sum())}
    result["sentences"] = int(len(y_true))
    return result


def table_rows(result: dict) -> list[tuple[str, ...]]:
    """A metrics result as table rows (label, P, R, F1, support, ECE or "–"), then micro and macro F1.

    One source for the terminal table and the model card's markdown table.
    """
    rows = [(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}", str(m["support"]),
             f"{m['ece']:.3f}" if "ece" in m else "–") for name, m in result["labels"].items()]
    rows.append(("micro F1", "", "", f"{result['micro_f1']:.3f}", "", ""))
    rows.append(("macro F1", "", "", f"{result['macro_f1']:.3f}", "", ""))
    return rows
