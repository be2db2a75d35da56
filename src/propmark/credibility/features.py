"""The article's content evidence: marker rates from a scored article, each tied to the sentences behind it.

Features come from what ``propmark score`` produces (the marker model's labels and scores,
errors included), so the credibility model is fitted and applied on the same thing. Counts
per 1,000 body words are what a reader can check; the mean scores over the body keep the
model's doubt, which ranks articles better than a threshold does when markers are rare (they
are: unsourced attributions are about 1% of real units). The model never sees these raw
values: it sees their place among real pages (``CredibilityModel.reference``), so a rate
means "top tenth of real pages", not "14 per 1,000 words" as on text the team wrote.
``style_probe`` is the one feature that is not a marker: how the body reads to a linear
probe on the unit embeddings (``credibility.probe``); it is already a log-odds, so it is
put on the real-page scale as it is, where the marker rates are log-scaled first.
"""

from __future__ import annotations

import math

import numpy as np

from propmark.config import load_config
from propmark.credibility.outlets import OutletMatch, identify
from propmark.credibility.probe import Probe
from propmark.errors import PropmarkError
from propmark.result import Result


def feature_names() -> list[str]:
    return list(load_config("credibility")["features"])


SIGNED = ("style_probe",)  # taken as they are; the rest are counts or scores, compared by log(1 + x)


def transform(name: str, value: float) -> float:
    return value if name in SIGNED else math.log1p(max(value, 0.0))


def body_rows(result: Result, embeddings: np.ndarray) -> tuple[list[int], np.ndarray]:
    """The body units (not flagged as boilerplate) and their embeddings; all units where every one is furniture."""
    body = [i for i, s in enumerate(result.sentences) if "boilerplate" not in s.labels] or list(range(len(result.sentences)))
    return body, np.asarray(embeddings)[body]


def _words(text: str) -> int:
    return len(text.split())


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def article_features(result: Result, embeddings: np.ndarray | None = None, probe: Probe | None = None
                     ) -> tuple[dict[str, float | None], dict[str, list[int]], OutletMatch | None]:
    """Feature values, the sentence indices behind each, and the outlet match for one scored article.

    ``style_probe`` is None (no evidence either way) without a probe or the unit embeddings.
    """
    sentences = result.sentences
    labels = [set(s.labels) for s in sentences]
    body = [i for i, ls in enumerate(labels) if "boilerplate" not in ls]
    boiler = [i for i, ls in enumerate(labels) if "boilerplate" in ls]
    per_1k = 1000.0 / max(sum(_words(sentences[i].text) for i in body), int(load_config("credibility")["min_body_words"]))
    unsourced = [i for i in body if "unsourced_attribution" in labels[i]]
    appeals = [i for i in body if "appeal" in labels[i]]
    plea = [i for i in boiler if "appeal" in labels[i]]
    notices = [i for i, ls in enumerate(labels) if "state_media_disclaimer" in ls]
    outlet = identify(result.meta, {i: sentences[i].text for i in notices})
    headline = body[:1]

    def score(i: int, label: str) -> float:
        return float(sentences[i].scores.get(label, 0.0))

    values = {
        "unsourced_per_1k_words": len(unsourced) * per_1k,
        "appeal_per_1k_words": len(appeals) * per_1k,
        "unsourced_mean_score": _mean([score(i, "unsourced_attribution") for i in body]),
        "appeal_mean_score": _mean([score(i, "appeal") for i in body]),
        "headline_appeal_score": score(headline[0], "appeal") if headline else 0.0,
        "boilerplate_appeals": float(len(plea)),
        "state_media_notices": float(len(notices)),
        "boilerplate_share": len(boiler) / max(len(sentences), 1),
        "style_probe": None,
    }
    reads_low: list[int] = []
    if probe is not None and embeddings is not None and len(sentences):
        units, rows = body_rows(result, embeddings)
        each = probe.unit_values(rows)
        values["style_probe"] = float(each.mean())
        reads_low = [units[k] for k in np.argsort(-each, kind="stable")[:3]]
    top_unsourced = sorted(body, key=lambda i: -score(i, "unsourced_attribution"))[:3]
    top_appeal = sorted(body, key=lambda i: -score(i, "appeal"))[:3]
    behind = {
        "unsourced_per_1k_words": unsourced, "appeal_per_1k_words": appeals,
        "unsourced_mean_score": unsourced or top_unsourced, "appeal_mean_score": appeals or top_appeal,
        "headline_appeal_score": headline, "boilerplate_appeals": plea, "state_media_notices": notices,
        "boilerplate_share": boiler, "style_probe": reads_low,
    }
    names = feature_names()
    if set(values) != set(names):
        raise PropmarkError(f"defaults/credibility.yaml lists {names}, the code computes {sorted(values)}")
    return {n: values[n] for n in names}, {n: behind[n] for n in names}, outlet
