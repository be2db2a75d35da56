"""Reasons in plain words, with the sign a reader expects: what lowers the score says "lowers"."""

from __future__ import annotations

from propmark.config import load_config
from propmark.result import Credibility, Reason


def reason_words(reason: Reason, credibility: Credibility) -> str:
    moved = f"{'lowers' if reason.effect < 0 else 'raises'} credibility by {abs(reason.effect):.2f}"
    if reason.feature == "outlet_prior":
        basis = (credibility.evidence or {}).get("prior", {}).get("basis", "the outlet lists")
        return f"the outlet is listed ({basis}; prior P(low) {reason.value:.2f}): {moved}"
    description = load_config("credibility")["features"].get(reason.feature, reason.feature.replace("_", " "))
    level = "more than" if reason.log_odds > 0 else "less than"
    return f"{description} = {reason.value:.3g}, {level} on a typical real page: {moved}"


def summary_words(credibility: Credibility) -> str:
    """The score, band and where it comes from, in one line."""
    evidence = credibility.evidence or {}
    low, high = evidence.get("interval", [credibility.score, credibility.score])
    prior = evidence.get("prior", {})
    unrated = " (unrated: an unlisted outlet, and too few articles to call it high)" if credibility.band == "unrated" else ""
    return (f"credibility {credibility.score:.2f} ({credibility.band}{unrated}), 95% interval {low:.2f}-{high:.2f}; "
            f"outlet prior: {prior.get('basis', 'none')}")


SOURCES = {
    "asd": "ASD state-media profiles (State Media Monitor typology, MIT)",
    "fnc": "FakeNewsCorpus / OpenSources website list (Apache-2.0)",
    "eu-ban": "EU broadcast suspension, Council Regulation (EU) 833/2014 Art. 2f / Annex XV",
    "imprint": "the outlet's own imprint or standing notice",
}


def source_words(source: str, short: bool = False) -> str:
    """A provenance entry ("asd:359", "eu-ban") in words; ``short`` for one terminal line."""
    kind, _, row = source.partition(":")
    if row and kind in ("asd", "fnc"):
        return f"{'ASD' if kind == 'asd' else 'FakeNewsCorpus'} row {row}" if short else f"{SOURCES[kind]}, row {row}"
    return source if short else SOURCES.get(source, source)


def outlet_words(outlet: dict | None) -> str:
    """The outlet's facts in one line (facts, not a verdict), or why there are none."""
    from propmark.credibility import lists

    if outlet is None:
        built = "" if lists.default_table().is_file() else " (the open lists are not built: `propmark import outlets ../shared/data/source_lists`)"
        return f"outlet: on no outlet list{built}"
    typology = outlet.get("typology")
    status = "no ASD entry" if typology is None else f"ASD {typology}, {'state-controlled' if outlet['state_controlled'] else 'not state-controlled'}"
    fnc = f"; FakeNewsCorpus: {', '.join(outlet['fnc_types'])}" if outlet.get("fnc_types") else ""
    where = "; ".join(x for x in (outlet.get("key"), outlet.get("country"), outlet.get("owner") and f"owner {outlet['owner']}") if x)
    sources = ", ".join(source_words(s, short=True) for s in outlet["sources"][:6]) + (" …" if len(outlet["sources"]) > 6 else "")
    return f"outlet: {outlet['name']} ({where}; {status}{fnc}; matched by {outlet['matched_by']} {outlet['evidence']!r}; sources: {sources})"
