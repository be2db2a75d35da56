"""Who published an article: the outlet facts behind a credibility score, from the lists and the hand-checked entries.

Two sources, layered: the table built from the open lists (``credibility.lists``: ASD's
typology, FakeNewsCorpus's types, 1,700 outlet keys, when built) and defaults/outlets.yaml, a
few dozen entries checked by hand for what the lists lack (edition names such as "RT DE",
owners, mirror domains that rotate). Where both know a key, the hand-checked entry names it
and the list rows add their types and provenance.

An article is matched by its ``url`` first (its outlet key, see ``credibility.domains``,
then a hand-checked entry's brand pattern for mirror domains), then by its ``outlet`` field
(a name or a domain), and only then by the outlet naming itself in a sentence the model
flagged as a state-media disclaimer. The order goes from the most to the least direct
evidence, and ``matched_by`` says which one was used, so a reader can judge it.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path

from propmark.config import load_config
from propmark.credibility import lists
from propmark.credibility.domains import outlet_key, registered_domain, scoped_keys
from propmark.errors import PropmarkError


@dataclass(frozen=True)
class Outlet:
    name: str
    key: str  # the outlet key (registered domain or platform account); "" for an entry known by name only
    owner: str
    country: str
    typology: str | None  # the State Media Monitor code (ASD), None where ASD does not list the outlet
    state_controlled: bool  # typology is SC, CaPu or CaPr: a fact about control, not a verdict
    fnc_types: tuple[str, ...]  # FakeNewsCorpus types, empty where it does not list the outlet
    sources: tuple[str, ...]  # "asd:<row>", "fnc:<row>" (rows of the list files), "asd", "eu-ban", "imprint" (hand-checked)


@dataclass(frozen=True)
class OutletMatch:
    outlet: Outlet
    matched_by: str  # "url", "outlet" or "disclaimer"
    evidence: str  # the url's outlet key, the outlet field or the disclaimer sentence's index

    def as_dict(self) -> dict:
        out = asdict(self.outlet)
        return {**out, "fnc_types": list(self.outlet.fnc_types), "sources": list(self.outlet.sources),
                "matched_by": self.matched_by, "evidence": self.evidence}


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


@dataclass
class _Registry:
    by_key: dict[str, Outlet]
    by_name: dict[str, Outlet]
    names: list[tuple[re.Pattern, Outlet]]  # hand-checked names, for disclaimers
    brands: list[tuple[re.Pattern, Outlet]]  # hand-checked mirror-domain patterns


def _from_list(row: lists.ListedOutlet, controlled: set[str]) -> Outlet:
    return Outlet(row.name or row.key, row.key, row.owner, row.country, row.asd_type, row.asd_type in controlled,
                  tuple(row.fnc_types), tuple(row.provenance))


@lru_cache(maxsize=4)
def registry(table: Path | None = None) -> _Registry:
    """The hand-checked entries over the list table (``table``: the built file, default in the cache)."""
    cfg = load_config("outlets")
    controlled = set(cfg["typologies"]["state_controlled"])
    listed = lists.load(table)
    by_key = {key: _from_list(row, controlled) for key, row in listed.items()}
    by_name = {_norm(o.name): o for o in by_key.values() if o.name != o.key}
    names: list[tuple[re.Pattern, Outlet]] = []
    brands: list[tuple[re.Pattern, Outlet]] = []
    for entry in cfg["outlets"]:
        try:
            keys = [k for k in (outlet_key(d) for d in entry["domains"] + entry.get("other_domains", [])) if k]
            rows = [listed[k] for k in keys if k in listed]
            outlet = Outlet(entry["name"], keys[0] if keys else "", entry["owner"], entry["country"], entry["typology"],
                            entry["typology"] in controlled,
                            tuple(dict.fromkeys(t for r in rows for t in r.fnc_types)),
                            tuple(entry["sources"]) + tuple(p for r in rows for p in r.provenance))
            entry_names, patterns = entry["names"], entry.get("domain_patterns", [])
        except KeyError as exc:
            raise PropmarkError(f"defaults/outlets.yaml: outlet {entry.get('name', '?')!r} lacks {exc}") from None
        for key in keys:
            by_key[key] = outlet
        for name in entry_names:
            by_name[_norm(name)] = outlet
            names.append((re.compile(rf"(?<!\w){re.escape(name)}(?!\w)"), outlet))
        brands += [(re.compile(p), outlet) for p in patterns]
    return _Registry(by_key, by_name, names, brands)


def _by_url(url: str, reg: _Registry) -> OutletMatch | None:
    keys = scoped_keys(url)
    for key in keys:
        if key in reg.by_key:
            return OutletMatch(reg.by_key[key], "url", key)
    if keys:
        domain = registered_domain(keys[-1].split("/")[0])
        for pattern, outlet in reg.brands:
            if pattern.search(domain):
                return OutletMatch(outlet, "url", domain)
    return None


def _by_name(outlet_field: str, reg: _Registry) -> OutletMatch | None:
    """The whole field, or its leading words, so "Sputnik Norge" finds Sputnik; a field that is a domain, as a url."""
    words = _norm(outlet_field).split()
    for end in range(len(words), 0, -1):
        key = " ".join(words[:end])
        if key in reg.by_name:
            return OutletMatch(reg.by_name[key], "outlet", outlet_field)
    if len(words) == 1 and "." in words[0] and (hit := _by_url(words[0], reg)):
        return OutletMatch(hit.outlet, "outlet", outlet_field)
    return None


def identify(meta: dict, disclaimers: dict[int, str], table: Path | None = None) -> OutletMatch | None:
    """The outlet behind an article, or None when nothing ties it to a listed outlet.

    ``disclaimers`` maps sentence index to text for the sentences flagged as state-media
    disclaimers; a ban notice that names RT is RT speaking about itself.
    """
    reg = registry(table)
    if meta.get("url") and (hit := _by_url(str(meta["url"]), reg)):
        return hit
    if meta.get("outlet") and (hit := _by_name(str(meta["outlet"]), reg)):
        return hit
    for index, text in sorted(disclaimers.items()):
        for pattern, outlet in reg.names:
            if pattern.search(text):
                return OutletMatch(outlet, "disclaimer", str(index))
    return None
