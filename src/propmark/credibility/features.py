"""The article-level features of the credibility model, each tied to the sentences behind it.

Features come from a scored article (sentence labels from the marker model) plus the outlet
match, so the credibility model is trained and applied on exactly what ``propmark score``
produces, errors of the marker model included.
"""

from __future__ import annotations

from propmark.config import load_config
from propmark.errors import PropmarkError
from propmark.credibility.outlets import OutletMatch, identify
from propmark.result import Result


def feature_names() -> list[str]:
    return list(load_config("credibility")["features"])


def _words(text: str) -> int:
    return len(text.split())


def article_features(result: Result) -> tuple[dict[str, float], dict[str, list[int]], OutletMatch | None]:
    """Feature values, the sentence indices behind each, and the outlet match for one scored article."""
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
    values = {
        "unsourced_per_1k_words": len(unsourced) * per_1k,
        "appeal_per_1k_words": len(appeals) * per_1k,
        "boilerplate_appeals": float(len(plea)),
        "state_media_notices": float(len(notices)),
        "boilerplate_share": len(boiler) / max(len(sentences), 1),
        "state_controlled_outlet": float(bool(outlet and outlet.outlet.state_controlled)),
    }
    behind = {
        "unsourced_per_1k_words": unsourced, "appeal_per_1k_words": appeals, "boilerplate_appeals": plea,
        "state_media_notices": notices, "boilerplate_share": boiler,
        "state_controlled_outlet": [int(outlet.evidence)] if outlet and outlet.matched_by == "disclaimer" else [],
    }
    names = feature_names()
    if set(values) != set(names):
        raise PropmarkError(f"defaults/credibility.yaml lists {names}, the code computes {sorted(values)}")
    return {n: values[n] for n in names}, {n: behind[n] for n in names}, outlet
