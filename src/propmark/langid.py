"""Language identification by function-word counts (profiles in ``configs/languages.yaml``).

Good enough to group outputs and metrics by language, deterministic, and it needs no
model download; Norwegian/Danish/Swedish are told apart by their distinct spellings
(ikke/inte, af/av, nu/nå, efter/etter).
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from propmark.config import load_config

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


@lru_cache(maxsize=1)
def _profiles() -> tuple[int, dict[str, frozenset[str]]]:
    cfg = load_config("languages")
    return int(cfg["min_hits"]), {lang: frozenset(words.lower().split()) for lang, words in cfg["stopwords"].items()}


def detect(text: str, max_chars: int = 5000) -> str:
    """ISO 639-1 code of the text's language, or ``"und"`` when too little evidence."""
    min_hits, profiles = _profiles()
    counts = Counter(w.lower() for w in _WORD.findall(text[:max_chars]))
    scores = {lang: sum(counts[w] for w in words) for lang, words in profiles.items()}
    lang, hits = max(scores.items(), key=lambda kv: (kv[1], kv[0]))
    return lang if hits >= min_hits else "und"
