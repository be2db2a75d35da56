"""The fitted credibility model: one logistic regression whose every term a reader can see.

``P(low) = sigmoid(intercept + sum_i w_i * x_i)`` and ``credibility = 1 - P(low)``. The
weights are stored on the raw feature scale, so ``w_i * x_i`` is feature i's own push on the
log-odds. A reason's ``effect`` is how much the score would rise if that feature were zero
(an article with none of that marker), holding the others: what a reader can act on.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from propmark.atomic import write_text
from propmark.config import default_model_dir, load_config
from propmark.credibility.features import article_features
from propmark.errors import PropmarkError

FILE = "credibility.json"


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def band_for(score: float, bands: dict[str, float]) -> str:
    """The first band (checked top down) whose lower bound the score reaches."""
    return next(name for name, bound in bands.items() if score >= bound)


@dataclass
class CredibilityModel:
    features: list[str]
    weights: list[float]
    intercept: float
    bands: dict[str, float]
    info: dict = field(default_factory=dict)  # training data, held-out metrics, baseline

    def p_low(self, values: dict[str, float]) -> float:
        return _sigmoid(self.intercept + sum(w * values[f] for f, w in zip(self.features, self.weights)))

    def band(self, score: float) -> str:
        return band_for(score, self.bands)

    def assess(self, result: dict) -> dict:
        """Score, band, reasons (largest effect first, with their sentences) and outlet facts."""
        values, behind, outlet = article_features(result)
        score = 1.0 - self.p_low(values)
        reasons = []
        for name, weight in zip(self.features, self.weights):
            if values[name] == 0.0:
                continue
            effect = score - (1.0 - self.p_low({**values, name: 0.0}))
            reasons.append({
                "feature": name, "value": round(values[name], 4), "log_odds": round(weight * values[name], 4),
                "effect": round(effect, 4), "sentences": behind[name],
            })
        reasons.sort(key=lambda r: r["effect"])
        return {
            "score": round(score, 4), "band": self.band(score), "reasons": reasons,
            "outlet": outlet.as_dict() if outlet else None,
        }

    def save(self, path: Path) -> None:
        write_text(path, json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n")

    @classmethod
    def read(cls, path: Path) -> "CredibilityModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(**data)
        except (OSError, json.JSONDecodeError, TypeError) as exc:
            raise PropmarkError(f"{path} is not a credibility model: {exc}") from exc
        expected = list(load_config("credibility")["features"])
        if model.features != expected:
            raise PropmarkError(f"{path} was fitted on features {model.features}, configs/credibility.yaml lists {expected}")
        return model


def load_for(model_dir: Path) -> CredibilityModel:
    """The marker model's own credibility model, else the shipped one (its features are marker rates, not weights)."""
    for candidate in (model_dir / FILE, default_model_dir() / FILE):
        if candidate.is_file():
            return CredibilityModel.read(candidate)
    raise PropmarkError(f"no {FILE} in {model_dir} or {default_model_dir()}: run `propmark fit-credibility`")
