"""Baselines the fine-tuned model has to beat, run through the same evaluation.

Each one turns documents into per-sentence label probabilities and carries per-label
thresholds, like ``Predictor``, so the EVAL.md report (scripts/eval_report.py)
measures model and baselines on identical data with identical code.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from propmark.training.corpus import Document
from propmark.errors import PropmarkError


class Scorer(Protocol):
    labels: list[str]
    thresholds: np.ndarray

    def fit(self, train: Sequence[Document], dev: Sequence[Document]) -> None: ...

    def document_probabilities(self, docs: Sequence[Document]) -> list[np.ndarray]: ...


NAMES = ("keywords", "tfidf")


def make_baseline(name: str, labels: list[str]) -> Scorer:
    """A fresh, unfitted baseline by name."""
    if name == "keywords":
        from propmark.training.baselines.keywords import KeywordRules

        return KeywordRules(labels)
    if name == "tfidf":
        from propmark.training.baselines.tfidf import TfidfLogReg

        return TfidfLogReg(labels)
    raise PropmarkError(f"unknown baseline {name!r}; known: {', '.join(NAMES)}")
