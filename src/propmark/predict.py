"""Score articles: segment, classify every sentence in context, assess credibility."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from propmark import model as model_io
from propmark.config import default_model_dir, load_config
from propmark.credibility import CredibilityModel, load_for
from propmark.infer import document_probabilities
from propmark.inputs import Article
from propmark.langid import detect
from propmark.model import MarkerModel
from propmark.runtime import optimize
from propmark.segment import segment


class Predictor:
    """A loaded marker model, the per-label thresholds it was shipped with, and its credibility model."""

    def __init__(self, model: MarkerModel, credibility: CredibilityModel | None, batch_size: int = 32) -> None:
        self.model = model
        self.credibility = credibility
        self.labels = model.spec.labels
        self.thresholds = np.array(model.spec.thresholds)
        self.batch_size = batch_size

    @classmethod
    def load(cls, model_dir: Path | None = None, precision: str | None = None, batch_size: int | None = None,
             credibility: bool = True) -> "Predictor":
        """Load a model folder ready for scoring, with the speed settings of configs/batch.yaml.

        ``credibility=False`` leaves article credibility out of the results: that is how the
        credibility model's own training data is scored, before any credibility model exists.
        """
        cfg = load_config("batch")
        folder = model_dir or default_model_dir()
        model = model_io.load(folder)
        optimize(model, precision or cfg["precision"], int(cfg["threads"]))
        return cls(model, load_for(folder) if credibility else None, batch_size or int(cfg["batch_size"]))

    def probabilities(self, documents: list[list[str]]) -> list[np.ndarray]:
        return document_probabilities(self.model, documents, self.batch_size)

    def _result(self, article: Article, segments: list, probs: np.ndarray) -> dict:
        flags = probs >= self.thresholds
        sentences = []
        for seg, p, f in zip(segments, probs, flags):
            sentences.append({
                "start": seg.start, "end": seg.end, "text": seg.text,
                "labels": [name for name, on in zip(self.labels, f) if on],
                "scores": {name: round(float(x), 4) for name, x in zip(self.labels, p)},
            })
        markers = {name: int(flags[:, j].sum()) if len(flags) else 0 for j, name in enumerate(self.labels)}
        result = {
            "id": article.id,
            "source": article.source or article.id,
            "lang": detect(article.text),
            **({"meta": article.meta} if article.meta else {}),
            "sentences": sentences,
            "markers": markers,
        }
        if self.credibility is not None:
            result["credibility"] = self.credibility.assess(result)
        return result

    def score_group(self, articles: list[Article]) -> list[dict]:
        """Classify articles together, so their sentences share encoder batches (and repeats are encoded once)."""
        segmented = [segment(a.text) for a in articles]
        probs = self.probabilities([[s.text for s in segs] for segs in segmented])
        return [self._result(a, segs, p) for a, segs, p in zip(articles, segmented, probs)]

    def score(self, articles: Iterable[Article], group: int = 16) -> Iterator[dict]:
        """Results in input order, ``group`` articles at a time."""
        stream = iter(articles)
        while batch := list(islice(stream, group)):
            yield from self.score_group(batch)
