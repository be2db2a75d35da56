"""The fitted credibility model: one logistic regression whose every term a reader can see.

``P(low) = sigmoid(intercept + sum_i w_i * x_i)`` and ``credibility = 1 - P(low)``. The
weights are stored on the raw feature scale, so ``w_i * x_i`` is feature i's own push on the
log-odds. A reason's ``effect`` is the score with the feature minus the score with that
feature at zero (an article with none of that marker), the others held: negative where the
feature lowers credibility, which is what a reader can act on.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path

from propmark.config import load_config
from propmark.credibility.features import article_features
from propmark.errors import PropmarkError
from propmark.result import Credibility, Reason, Result

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

    def assess(self, result: Result) -> Credibility:
        """Score, band, reasons (largest effect first, with their sentences) and outlet facts."""
        values, behind, outlet = article_features(result)
        score = 1.0 - self.p_low(values)
        reasons = []
        for name, weight in zip(self.features, self.weights):
            if values[name] == 0.0:
                continue
            effect = score - (1.0 - self.p_low({**values, name: 0.0}))
            reasons.append(Reason(name, round(values[name], 4), round(weight * values[name], 4), round(effect, 4), behind[name]))
        reasons.sort(key=lambda r: r.effect)
        return Credibility(round(score, 4), self.band(score), reasons, outlet.as_dict() if outlet else None)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n"

    @classmethod
    def read(cls, path: Path) -> "CredibilityModel":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(**data)
        except (OSError, json.JSONDecodeError, TypeError) as exc:
            raise PropmarkError(f"{path} is not a credibility model: {exc}") from exc
        expected = list(load_config("credibility")["features"])
        if model.features != expected:
            raise PropmarkError(f"{path} was fitted on features {model.features}, defaults/credibility.yaml lists {expected}")
        return model


def load_for(model_dir: Path) -> CredibilityModel | None:
    """The model folder's own credibility model, or None: another folder's was fitted on another marker model."""
    path = model_dir / FILE
    return CredibilityModel.read(path) if path.is_file() else None
