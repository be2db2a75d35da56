"""Keyword rules: a sentence gets a label when a pattern from defaults/lexicons.yaml matches.

The honest floor: what a careful analyst with a phrase list would flag. Patterns are
per language (plus language-neutral ones under ``any``); a sentence of a language the
lexicon does not cover is matched with every language's patterns.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from propmark.config import load_config
from propmark.training.corpus import Document
from propmark.errors import PropmarkError


def compile_lexicons(raw: dict, labels: Sequence[str]) -> dict[str, list[re.Pattern | None]]:
    """Per language, one alternation regex per label (None where the language lists nothing)."""
    compiled: dict[str, list[re.Pattern | None]] = {}
    for lang, per_label in raw.items():
        unknown = set(per_label or {}) - set(labels)
        if unknown:
            raise PropmarkError(f"defaults/lexicons.yaml: unknown label(s) {sorted(unknown)} under {lang!r}")
        row: list[re.Pattern | None] = []
        for label in labels:
            patterns = (per_label or {}).get(label) or []
            try:
                row.append(re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else None)
            except re.error as exc:
                raise PropmarkError(f"defaults/lexicons.yaml: bad pattern for {lang}/{label}: {exc}") from exc
        compiled[lang] = row
    return compiled


class KeywordRules:
    name = "keywords"

    def __init__(self, labels: list[str], lexicons: dict | None = None) -> None:
        self.labels = labels
        self.thresholds = np.full(len(labels), 0.5)
        self.lexicons = compile_lexicons(lexicons if lexicons is not None else dict(load_config("lexicons")), labels)

    def fit(self, train: Sequence[Document], dev: Sequence[Document]) -> None:
        """Rules are written, not learned: nothing to fit."""

    def _patterns(self, lang: str) -> list[list[re.Pattern]]:
        """Per label, the regexes that apply to a sentence of ``lang``."""
        rows = [self.lexicons[k] for k in (["any", lang] if lang in self.lexicons else self.lexicons) if k in self.lexicons]
        return [[row[j] for row in rows if row[j] is not None] for j in range(len(self.labels))]

    def document_probabilities(self, docs: Sequence[Document]) -> list[np.ndarray]:
        out = []
        for doc in docs:
            patterns = self._patterns(doc.lang)
            hits = np.zeros((len(doc.sentences), len(self.labels)), dtype=np.float32)
            for i, text in enumerate(doc.sentences):
                for j, per_label in enumerate(patterns):
                    hits[i, j] = float(any(p.search(text) for p in per_label))
            out.append(hits)
        return out
