"""Article -> Result: language, units, markers in context, credibility; the path every input takes.

The order is the data path's: the article's language is identified first, because
segmentation chooses its abbreviations by it; each unit then gets its own language where
it says enough (a quoted English tweet on a German page), and, for HTML inputs, the
layout of the line it came from.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import numpy as np

from propmark.config import default_model_dir
from propmark.config.schemas import BatchConfig
from propmark.credibility import CredibilityModel, load_for
from propmark.io.readers import Article
from propmark.markers import folder
from propmark.markers.inference import document_predictions, document_probabilities
from propmark.markers.model import MarkerModel
from propmark.markers.optimize import optimize
from propmark.result import Result, Unit
from propmark.text.langid import detect, detect_unit
from propmark.text.segment import Segment, segment


def units(article: Article) -> tuple[str, list[Segment]]:
    """The article's language and its units: what is labeled, by the model and by annotators alike."""
    lang = detect(article.text)
    return lang, segment(article.text, lang)


def unit_layouts(article: Article, segments: list[Segment]) -> list[dict | None]:
    """Each unit's HTML layout (the block it starts in), or None for every unit of a plain-text input."""
    starts = [b.start for b in article.blocks]
    return [article.blocks[bisect_right(starts, seg.start) - 1].as_dict() if starts else None for seg in segments]


class Predictor:
    """A loaded marker model, the per-label thresholds it was shipped with, and its credibility model (if any)."""

    def __init__(self, model: MarkerModel, credibility: CredibilityModel | None, batch_tokens: int = 2048,
                 fingerprint: str | None = None, model_dir: Path | None = None) -> None:
        self.model = model
        self.credibility = credibility
        self.labels = model.spec.labels
        self.thresholds = np.array(model.spec.thresholds)
        self.batch_tokens = batch_tokens
        self.fingerprint = fingerprint
        self.model_dir = model_dir

    @classmethod
    def load(cls, model_dir: Path | None = None, precision: str | None = None, credibility: bool = True,
             config: BatchConfig | None = None) -> "Predictor":
        """Load a model folder ready for scoring, with the speed settings of the batch config.

        ``credibility=False`` leaves article credibility out of the results: that is how the
        credibility model's own training data is scored, before any credibility model exists.
        A folder without a credibility model gives results without credibility (never another
        folder's model, fitted on another marker model's predictions).
        """
        cfg = config or BatchConfig.load()
        model_dir = Path(model_dir) if model_dir else default_model_dir()
        model = folder.load(model_dir)  # verifies every file against the manifest
        optimize(model, precision or cfg.precision, cfg.threads)
        cred = load_for(model_dir) if credibility else None
        return cls(model, cred, cfg.batch_tokens, folder.fingerprint(folder.read_manifest(model_dir)), model_dir)

    def probabilities(self, documents: list[list[str]], layouts: list[list[dict | None]] | None = None) -> list[np.ndarray]:
        return document_probabilities(self.model, documents, self.batch_tokens, layouts=layouts)

    def _result(self, article: Article, lang: str, segments: list[Segment], probs: np.ndarray, layouts: list,
                embeddings: np.ndarray) -> Result:
        flags = probs >= self.thresholds
        units = []
        for seg, p, f, layout in zip(segments, probs, flags, layouts):
            units.append(Unit(
                seg.start, seg.end, seg.text,
                [name for name, on in zip(self.labels, f) if on],
                {name: round(float(x), 4) for name, x in zip(self.labels, p)},
                detect_unit(seg.text, lang), layout,
            ))
        markers = {name: int(flags[:, j].sum()) if len(flags) else 0 for j, name in enumerate(self.labels)}
        result = Result(article.id, article.source or article.id, lang, units, markers, dict(article.meta), None, self.fingerprint)
        if self.credibility is not None:
            result.credibility = self.credibility.assess(result, embeddings)
        return result

    def _predict_group(self, articles: list[Article]) -> list[tuple[Result, np.ndarray]]:
        """Classify articles together, so their sentences share encoder batches (and repeats are encoded once)."""
        langs, segmented = zip(*(units(a) for a in articles)) if articles else ((), ())
        layouts = [unit_layouts(a, segs) for a, segs in zip(articles, segmented)]
        outputs = document_predictions(self.model, [[s.text for s in segs] for segs in segmented], self.batch_tokens, layouts=layouts)
        return [(self._result(a, lang, segs, p, lay, e), e)
                for a, lang, segs, (p, e), lay in zip(articles, langs, segmented, outputs, layouts)]

    def score_group(self, articles: list[Article]) -> list[Result]:
        """One group's results (the unit of resume, shards and Ray blocks)."""
        return [result for result, _ in self._predict_group(articles)]

    def score_embedded(self, articles: Iterable[Article], group: int = 16) -> Iterator[tuple[Result, np.ndarray]]:
        """Results in input order with each article's unit embeddings (what the credibility fit reads)."""
        stream = iter(articles)
        while batch := list(islice(stream, group)):
            yield from self._predict_group(batch)

    def score(self, articles: Iterable[Article], group: int = 16) -> Iterator[Result]:
        """Results in input order, ``group`` articles at a time."""
        return (result for result, _ in self.score_embedded(articles, group))

    def score_texts(self, texts: Iterable[str], group: int = 16) -> Iterator[Result]:
        """Score plain strings (the Python API's shortcut): ids are their positions."""
        return self.score((Article(str(i), t, {}, str(i)) for i, t in enumerate(texts)), group)
