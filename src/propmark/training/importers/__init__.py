"""Importers: public research corpora -> propmark's sentence JSONL, for training and measuring.

Each module has ``read(path: Path) -> Iterator[dict]`` yielding records in the project's
format plus two fields the loader passes over but evaluation and training use:

- ``annotated``: the marker names this record's annotation speaks for (a boilerplate
  corpus says nothing about appeals, so an empty ``labels`` only means "not boilerplate");
- ``use``: ``"train"`` for permissive licences, ``"eval-only"`` for research-only ones,
  per ../shared/data/README.md. ``propmark train`` refuses ``eval-only`` records.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from pathlib import Path

from propmark.errors import PropmarkError

MODULES = {
    "trafilatura-eval": "trafilatura_eval",
    "turku-lines": "turku_lines",
    "wiki-weasel": "wiki_weasel",
    "polnear": "polnear",
    "semeval2023": "semeval2023",
    "ptc": "ptc",
    "ru-zen-prop": "ru_zen_prop",
}


def reader(name: str) -> Callable[[Path], Iterator[dict]]:
    if name not in MODULES:
        raise PropmarkError(f"unknown import format {name!r}; known: {', '.join(MODULES)}")
    return importlib.import_module(f"propmark.training.importers.{MODULES[name]}").read
