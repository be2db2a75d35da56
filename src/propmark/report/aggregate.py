"""Per-outlet and per-language aggregates over a folder's results: what the overview charts show.

Marker density is flagged sentences per 1,000 words of the article's text, so long and
short articles weigh by their length, and outlets with many short items are not inflated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Group:
    name: str
    articles: int = 0
    words: int = 0
    score_sum: float = 0.0
    markers: dict[str, int] = field(default_factory=dict)
    bands: dict[str, int] = field(default_factory=dict)

    @property
    def mean_score(self) -> float:
        return self.score_sum / self.articles if self.articles else 0.0

    def density(self, label: str) -> float:
        return 1000.0 * self.markers.get(label, 0) / max(self.words, 1)


def outlet_key(record: dict) -> str:
    """The matched outlet's name, else the ``outlet`` field, else the url's host, else "unknown"."""
    matched = (record["credibility"] or {}).get("outlet")
    meta = record.get("meta") or {}
    if matched:
        return matched["name"]
    if meta.get("outlet"):
        return str(meta["outlet"])
    if meta.get("url"):
        return urlsplit(str(meta["url"])).hostname or "unknown"
    return "unknown"


def group_by(records: Iterable[dict], key: Callable[[dict], str], labels: Sequence[str]) -> list[Group]:
    """Groups sorted by mean credibility, least credible first (what an analyst looks at first).

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
    return sorted(groups.values(), key=lambda g: (g.mean_score, g.name))
