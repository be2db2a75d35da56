"""Per-outlet and per-language aggregates over a folder's results: what the overview charts show.

Marker density is flagged sentences per 1,000 words of the article's text, so long and
short articles weigh by their length, and outlets with many short items are not inflated.
An outlet's credibility is not the mean of its articles' scores: it is its prior updated
with each article's content evidence (``credibility.pooling``), with its interval.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from propmark.config import load_config
from propmark.credibility.domains import outlet_key as url_outlet
from propmark.credibility.model import band_of
from propmark.credibility.pooling import OutletEstimate
from propmark.credibility.prior import Prior, logit


@dataclass
class Group:
    name: str
    articles: int = 0
    words: int = 0
    score_sum: float = 0.0
    markers: dict[str, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)
    pooled: OutletEstimate | None = None  # outlets: the prior updated with the articles' content evidence
    state_controlled: bool = False

    @property
    def pooled_band(self) -> str | None:
        return band_of(self.pooled, self.state_controlled) if self.pooled else None

    @property
    def mean_score(self) -> float:
        return self.score_sum / self.articles if self.articles else 0.0

    def density(self, label: str) -> float:
        return 1000.0 * self.markers.get(label, 0) / max(self.words, 1)


def outlet_key(record: dict) -> str:
    """The matched outlet's name, else the url's outlet key, else the ``outlet`` field, else "unknown"."""
    matched = (record["credibility"] or {}).get("outlet")
    meta = record.get("meta") or {}
    if matched:
        return matched["name"]
    if meta.get("url") and (key := url_outlet(str(meta["url"]))):
        return key
    if meta.get("outlet"):
        return str(meta["outlet"])
    return "unknown"


def _pool(group: Group, cred: dict) -> None:
    """Add one article's content evidence to its group's outlet estimate (the prior comes with the first)."""
    evidence = cred.get("evidence")
    if not evidence:
        return
    if group.pooled is None:
        prior = evidence["prior"]
        p = min(max(float(prior["p_low"]), 1e-6), 1 - 1e-6)
        group.pooled = OutletEstimate(Prior(logit(p), float(prior["sd"]), str(prior["basis"]), bool(prior["listed"])),
                                      float(load_config("credibility")["sigma"]))
        group.state_controlled = bool((cred.get("outlet") or {}).get("state_controlled"))
    group.pooled.add(float(evidence["content_log_odds"]))


def group_by(records: Iterable[dict], key: Callable[[dict], str], labels: Sequence[str], pooled: bool = False) -> list[Group]:
    """Groups sorted by credibility (pooled where ``pooled``, else the mean), least credible first.

    ``records`` are result summaries: ``credibility``, ``meta``, ``lang``, ``markers`` and ``words``.
    """
    groups: dict[str, Group] = defaultdict(lambda: Group(""))
    for record in records:
        name = key(record)
        group = groups[name]
        group.name = name
        group.articles += 1
        group.words += record["words"]
        cred = record["credibility"] or {"score": 0.0, "band": "none"}
        group.score_sum += cred["score"]
        for label in labels:
            group.markers[label] = group.markers.get(label, 0) + record["markers"].get(label, 0)
        band = cred["band"]
        group.bands[band] = group.bands.get(band, 0) + 1
        if pooled:
            _pool(group, cred)
    return sorted(groups.values(), key=lambda g: (g.pooled.score if g.pooled else g.mean_score, g.name))
