"""The fitted credibility model: content evidence on the real-page scale, pooled with the outlet prior.

``c = intercept + sum_i w_i * z_i`` is the article's content log-odds of low credibility,
``z_i`` feature i's place among real reference pages; the outlet prior (what the lists say,
``credibility.prior``) and ``c`` are pooled by ``credibility.pooling``; ``credibility = 1 -
P(low)`` at the posterior. A reason's ``effect`` is the score as it is minus the score with
that feature at a typical real page's level (z = 0), or, for the outlet prior, minus the
score with an unlisted outlet's prior: negative where it lowers credibility. The weights
are fitted by ``credibility.fit``; a feature that did not rank real articles above chance
has weight 0 and is never a reason.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from propmark.config import load_config
import numpy as np

from propmark.credibility.features import article_features, transform
from propmark.credibility.pooling import OutletEstimate, sigmoid
from propmark.credibility.prior import Prior, prior_for
from propmark.credibility.probe import Probe
from propmark.errors import PropmarkError
from propmark.result import Credibility, Reason, Result

FILE = "credibility.json"


def band_for(score: float, bands: dict[str, float]) -> str:
    """The first band (checked top down) whose lower bound the score reaches."""
    return next(name for name, bound in bands.items() if score >= bound)


def band_of(estimate: OutletEstimate, state_controlled: bool) -> str:
    """The band, held to ``state_controlled_band`` for a state-controlled outlet and "unrated" on thin evidence."""
    cfg = load_config("credibility")
    band = band_for(estimate.score, cfg["bands"])
    if band == "high" and state_controlled:
        return cfg["state_controlled_band"]
    if band == "high" and not estimate.prior.listed and estimate.sd > float(cfg["unrated_sd"]):
        return "unrated"
    return band


@dataclass
class CredibilityModel:
    features: list[str]
    weights: list[float]  # on the reference-scaled features; 0 for a feature that carried no signal
    intercept: float  # content log-odds on a typical real page
    reference: dict[str, list[float]]  # feature -> [mean, sd] of log(1 + value) (style_probe: the value) over real reference pages
    sigma: float
    info: dict = field(default_factory=dict)  # training data, held-out metrics, per-feature AUROC
    probe: dict | None = None  # style_probe's fitted Probe, as a dict

    def __post_init__(self) -> None:
        self._probe = Probe(**self.probe) if self.probe else None

    def scaled(self, values: dict[str, float | None]) -> dict[str, float]:
        """Each feature's place among real reference pages; a missing value (None) is a typical page's (0)."""
        return {f: 0.0 if values[f] is None else (transform(f, values[f]) - self.reference[f][0]) / self.reference[f][1]
                for f in self.features}

    def content_log_odds(self, values: dict[str, float | None]) -> float:
        z = self.scaled(values)
        return self.intercept + sum(w * z[f] for f, w in zip(self.features, self.weights))

    def estimate(self, prior: Prior, content: float) -> OutletEstimate:
        return OutletEstimate(prior, self.sigma).add(content)

    def assess(self, result: Result, embeddings: np.ndarray | None = None) -> Credibility:
        """Score, band, reasons (largest effect first, with their sentences), outlet facts and the evidence.

        ``embeddings``: the article's unit embeddings, which ``style_probe`` reads; without
        them (or without a fitted probe) that feature counts as a typical page's.
        """
        values, behind, outlet = article_features(result, embeddings, self._probe)
        prior = prior_for(outlet.outlet if outlet else None)
        content = self.content_log_odds(values)
        estimate = self.estimate(prior, content)
        score = estimate.score
        z = self.scaled(values)
        reasons = []
        for name, weight in zip(self.features, self.weights):
            if weight == 0.0 or values[name] is None:
                continue
            typical = self.estimate(prior, content - weight * z[name]).score
            reasons.append(Reason(name, round(values[name], 4), round(weight * z[name], 4), round(score - typical, 4), behind[name]))
        if prior.listed:
            unlisted = self.estimate(prior_for(None), content).score
            reasons.append(Reason("outlet_prior", round(sigmoid(prior.mean), 4),
                                  round(prior.mean - prior_for(None).mean, 4), round(score - unlisted, 4),
                                  [int(outlet.evidence)] if outlet and outlet.matched_by == "disclaimer" else []))
        reasons.sort(key=lambda r: -abs(r.effect))
        low, high = estimate.interval()
        evidence = {"prior": {"p_low": round(sigmoid(prior.mean), 4), "sd": prior.sd, "basis": prior.basis, "listed": prior.listed},
                    "content_log_odds": round(content, 4), "sd": round(estimate.sd, 4), "interval": [round(low, 4), round(high, 4)]}
        state = bool(outlet and outlet.outlet.state_controlled)
        return Credibility(round(score, 4), band_of(estimate, state), reasons, outlet.as_dict() if outlet else None, evidence)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: Path) -> "CredibilityModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(**data)
        except (OSError, json.JSONDecodeError, TypeError) as exc:
            raise PropmarkError(f"{path} is not a credibility model of this propmark version ({exc}); refit it with `propmark fit-credibility`") from exc
        expected = list(load_config("credibility")["features"])
        if model.features != expected:
            raise PropmarkError(f"{path} was fitted on features {model.features}, defaults/credibility.yaml lists {expected}")
        return model


def load_for(model_dir: Path) -> CredibilityModel | None:
    """The model folder's own credibility model, or None: another folder's was fitted on another marker model."""
    path = model_dir / FILE
    return CredibilityModel.read(path) if path.is_file() else None
