"""Article credibility from sentence markers: a transparent first version.

The score is ``1 - sum(weight * feature)`` clipped to [0, 1], so every point lost is
attributable to a feature and every feature to sentences a reader can check.
"""

from __future__ import annotations

from collections.abc import Sequence

from propmark.config import load_config


def _features(labels: Sequence[Sequence[str]]) -> dict[str, tuple[float, list[int]]]:
    n = len(labels)
    boiler = [i for i, ls in enumerate(labels) if "boilerplate" in ls]
    body = [i for i in range(n) if "boilerplate" not in labels[i]]
    n_body = max(len(body), 1)
    unsourced = [i for i in body if "unsourced_attribution" in labels[i]]
    appeals = [i for i in body if "appeal" in labels[i]]
    appeal_block = [i for i in boiler if "appeal" in labels[i]]
    disclaimers = [i for i, ls in enumerate(labels) if "state_media_disclaimer" in ls]
    return {
        "unsourced_attribution_rate": (len(unsourced) / n_body, unsourced),
        "appeal_rate": (len(appeals) / n_body, appeals),
        "appeal_block": (1.0 if appeal_block else 0.0, appeal_block),
        "state_media_disclaimer": (1.0 if disclaimers else 0.0, disclaimers),
        "boilerplate_share": (len(boiler) / max(n, 1), boiler),
    }


def assess(labels: Sequence[Sequence[str]]) -> dict:
    """Score, band and reasons (largest effect first) for one article's sentence labels."""
    cfg = load_config("credibility")
    reasons = []
    penalty = 0.0
    for name, (value, sentences) in _features(labels).items():
        effect = cfg["weights"][name] * value
        penalty += effect
        if effect > 0:
            reasons.append({"feature": name, "value": round(value, 4), "effect": -round(effect, 4), "sentences": sentences})
    score = min(1.0, max(0.0, 1.0 - penalty))
    band = next(name for name, bound in cfg["bands"].items() if score >= bound)
    reasons.sort(key=lambda r: r["effect"])
    return {"score": round(score, 4), "band": band, "reasons": reasons}
