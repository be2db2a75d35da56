"""The outlet prior: what the open lists say about an outlet, as log-odds of low credibility and how sure that is.

The values are set by hand from the lists' own definitions (FakeNewsCorpus: "fake",
"conspiracy" and the like are sites found to publish fabricated or unreliable stories;
"political" is a slant, not a falsehood; ASD: state control is a fact about who decides,
which MBFC rates "mixed" more often than "low"), never fitted on MBFC or Lin, which only
measure them. Where several types apply the highest P(low) wins: one list's "conspiracy"
is not cancelled by another's "political". An unlisted outlet gets the real-page base rate
with a wide spread: absence from a 2017 US-centred list says nothing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from propmark.config import load_config
from propmark.credibility.outlets import Outlet


def logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@dataclass(frozen=True)
class Prior:
    mean: float  # log-odds of low credibility
    sd: float  # its spread in log-odds: small for a listed outlet, wide for an unlisted one
    basis: str  # what set it, in words: "FakeNewsCorpus 'conspiracy'", "unlisted outlet"
    listed: bool


def prior_for(outlet: Outlet | None) -> Prior:
    cfg = load_config("credibility")["prior"]
    candidates: list[tuple[float, str]] = []
    if outlet is not None:
        candidates += [(float(cfg["fnc"][t]), f"FakeNewsCorpus '{t}'") for t in outlet.fnc_types if t in cfg["fnc"]]
        if outlet.typology in cfg["asd"]:
            candidates.append((float(cfg["asd"][outlet.typology]), f"ASD {outlet.typology}"))
    if not candidates:
        return Prior(logit(float(cfg["unlisted"])), float(cfg["unlisted_sd"]), "unlisted outlet", False)
    p, basis = max(candidates)
    return Prior(logit(p), float(cfg["listed_sd"]), basis, True)
