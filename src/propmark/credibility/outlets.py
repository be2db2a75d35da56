"""Who published an article, from defaults/outlets.yaml: the outlet facts behind a credibility score.

An article is matched by its ``url`` first (the domain or any subdomain of a listed domain),
then by its ``outlet`` field, and only then by the outlet naming itself in a sentence the
model flagged as a state-media disclaimer. The order goes from the most to the least direct
evidence, and ``matched_by`` says which one was used, so a reader can judge it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from propmark.config import load_config
from propmark.errors import PropmarkError


@dataclass(frozen=True)
class Outlet:
    name: str
    owner: str
    country: str
    typology: str
    state_controlled: bool
    sources: tuple[str, ...]


@dataclass(frozen=True)
class OutletMatch:
    outlet: Outlet
    matched_by: str  # "url", "outlet" or "disclaimer"
    evidence: str  # the domain, the outlet field or the disclaimer sentence's index

    def as_dict(self) -> dict:
        return {**asdict(self.outlet), "sources": list(self.outlet.sources), "matched_by": self.matched_by, "evidence": self.evidence}


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


@lru_cache(maxsize=1)
def _registry() -> tuple[dict[str, Outlet], dict[str, Outlet], list[tuple[re.Pattern, Outlet]]]:
    cfg = load_config("outlets")
    controlled = set(cfg["typologies"]["state_controlled"])
    by_domain: dict[str, Outlet] = {}
    by_name: dict[str, Outlet] = {}
    patterns: list[tuple[re.Pattern, Outlet]] = []
    for entry in cfg["outlets"]:
        try:
            outlet = Outlet(entry["name"], entry["owner"], entry["country"], entry["typology"],
                            entry["typology"] in controlled, tuple(entry["sources"]))
            names, domains = entry["names"], entry["domains"]
        except KeyError as exc:
            raise PropmarkError(f"defaults/outlets.yaml: outlet {entry.get('name', '?')!r} lacks {exc}") from None
        for domain in domains:
            by_domain[domain.lower()] = outlet
        for name in names:
            by_name[_norm(name)] = outlet
            patterns.append((re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), outlet))
    return by_domain, by_name, patterns


def _by_url(url: str) -> OutletMatch | None:
    host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").lower()
    by_domain = _registry()[0]
    parts = host.split(".")
    for i in range(len(parts) - 1):
        domain = ".".join(parts[i:])
        if domain in by_domain:
            return OutletMatch(by_domain[domain], "url", domain)
    return None


def _by_name(outlet_field: str) -> OutletMatch | None:
    """The whole field, or its leading words, so "Sputnik Norge" finds Sputnik."""
    by_name = _registry()[1]
    words = _norm(outlet_field).split()
    for end in range(len(words), 0, -1):
        key = " ".join(words[:end])
        if key in by_name:
            return OutletMatch(by_name[key], "outlet", outlet_field)
    return None


def identify(meta: dict, disclaimers: dict[int, str]) -> OutletMatch | None:
    """The outlet behind an article, or None when nothing ties it to a listed outlet.

    ``disclaimers`` maps sentence index to text for the sentences flagged as state-media
    disclaimers; a ban notice that names RT is RT speaking about itself.
    """
    if meta.get("url") and (hit := _by_url(str(meta["url"]))):
        return hit
    if meta.get("outlet") and (hit := _by_name(str(meta["outlet"]))):
        return hit
    for index, text in sorted(disclaimers.items()):
        for pattern, outlet in _registry()[2]:
            if pattern.search(text):
                return OutletMatch(outlet, "disclaimer", str(index))
    return None
