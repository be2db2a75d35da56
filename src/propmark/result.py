"""The one result shape: what ``propmark score`` writes for an article, and everything reads back.

The pipeline builds it, credibility explains it, the journal stores it as one JSON line,
and export, the report and the terminal views read it back through ``Result.from_dict``,
which checks the shape once, so a damaged or foreign results file is one clear error at
its line instead of a ``KeyError`` in some view.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Unit:
    """A sentence or line: ``article_text[start:end] == text``."""

    start: int
    end: int
    text: str
    labels: list[str]
    scores: dict[str, float]
    lang: str | None = None  # the unit's own language where it says enough, else the article's
    layout: dict | None = None  # HTML inputs: block tag, link density, region (text.html.Block)


@dataclass
class Reason:
    """One credibility feature: its value, its push on the log-odds of low credibility, its effect on the score.

    ``effect`` is the score with the feature minus the score without it (the feature at
    zero, the others held): negative where the feature lowers credibility.
    """

    feature: str
    value: float
    log_odds: float
    effect: float
    sentences: list[int]


@dataclass
class Credibility:
    """``score`` is the best estimate (1 - P(low)); ``band`` may be "unrated" where the evidence is thin.

    ``outlet`` holds the outlet's facts (typology, state control, list types): facts, kept
    apart from the score. ``evidence`` holds the outlet prior, the content log-odds and the
    posterior's spread, so an outlet's articles can be pooled later (``credibility.pooling``).
    """

    score: float
    band: str
    reasons: list[Reason] = field(default_factory=list)
    outlet: dict | None = None
    evidence: dict | None = None


@dataclass
class Result:
    id: str
    source: str
    lang: str
    sentences: list[Unit]
    markers: dict[str, int]
    meta: dict = field(default_factory=dict)
    credibility: Credibility | None = None
    model: str | None = None  # fingerprint of the marker model that made it

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "source": self.source, "lang": self.lang}
        if self.model:
            out["model"] = self.model
        if self.meta:
            out["meta"] = self.meta
        out["sentences"] = [{k: v for k, v in asdict(u).items() if v is not None} for u in self.sentences]
        out["markers"] = self.markers
        out["credibility"] = asdict(self.credibility) if self.credibility else None
        return out

    @classmethod
    def from_dict(cls, data: Any) -> "Result":
        """Rebuild a result from its JSON form; ``ValueError`` names what does not fit."""
        if not isinstance(data, dict):
            raise ValueError("not a JSON object")
        missing = [k for k in ("id", "sentences", "markers") if k not in data]
        if missing:
            raise ValueError(f"not a propmark result (no {', '.join(missing)})")
        try:
            units = [Unit(**u) for u in data["sentences"]]
            cred = data.get("credibility")
            credibility = None if cred is None else Credibility(
                float(cred["score"]), str(cred["band"]), [Reason(**r) for r in cred.get("reasons", [])], cred.get("outlet"),
                cred.get("evidence"))
            meta = data.get("meta") or {}
            if not isinstance(meta, dict):
                raise ValueError("meta is not an object")
            return cls(str(data["id"]), str(data.get("source") or data["id"]), str(data.get("lang") or "und"), units,
                       {str(k): int(v) for k, v in data["markers"].items()}, meta, credibility, data.get("model"))
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(f"not a propmark result ({exc})") from None

    def meta_text(self, key: str) -> str | None:
        """A metadata field as display text (inputs may hold any JSON there)."""
        value = self.meta.get(key)
        if value in (None, ""):
            return None
        return value if isinstance(value, str) else str(value)
