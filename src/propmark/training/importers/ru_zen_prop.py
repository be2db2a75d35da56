"""ru_zen_prop (Russian Yandex.Zen posts): manipulation-technique spans -> ``appeal`` and
``unsourced_attribution`` sentences.

Reads the unpacked corpus folder (no archive), in its PTC-style layout: ``train-articles/``
with ``train-task2-TC.labels`` and ``dev-articles/`` with ``dev-task-TC-template_labeled.out``;
splits are kept as ``train`` / ``dev``. ``all.jsonl`` holds the same 125 posts without the
split and with extra "(WT)/(WTO)" genre labels, so it is not read. No licence stated, so
every record is ``eval-only``.

Mapping, after training/ANNOTATION.md:

- ``Appeal_to_fear/prejudice``, ``Flag_waving`` -> appeal: the guide's appeals to fear,
  prejudice and patriotism.
- ``“you_should”`` (curly quotes as in the corpus) and ``(PT)_Call`` -> appeal: the author's
  own call to the reader to act ("subscribe", "don't believe them", "prepare").
- ``Appeal_to_Time`` -> appeal: "the time to act is now", the guide's "we must act now
  before it is too late".
- ``Rumours`` -> unsourced_attribution: hearsay with no named source ("по их словам",
  "ходят слухи", "I heard that").

Left out: ``Appeal_to_authority`` (the corpus marks named authorities, "journal Lancet",
"professor X", as well as vague ones; the guide calls a named source sourced, so mapping it
would mostly add false positives), ``Obfuscation,vagueness,obscurantism`` (vague content,
not a vague source), ``Appeal_to_values`` / ``Appeal_to_popularity`` (arguments from shared
values or numbers, not an address to the reader's fear or pride) and the remaining
techniques. Sentences are ``segment()`` units of each post; the span-to-sentence mapping is
shared with ``ptc`` in ``_technique_spans``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from propmark.training.importers._technique_spans import Source, SplitFiles, read_span_corpus

MARKERS = {
    "Appeal_to_fear/prejudice": "appeal",
    "Flag_waving": "appeal",
    "“you_should”": "appeal",
    "(PT)_Call": "appeal",
    "Appeal_to_Time": "appeal",
    "Rumours": "unsourced_attribution",
}
SOURCE = Source(corpus="ru-zen-prop", lang="ru", annotated=["appeal", "unsourced_attribution"], use="eval-only")
SPLITS = {
    "train": SplitFiles("train-articles", "train-task2-TC.labels"),
    "dev": SplitFiles("dev-articles", "dev-task-TC-template_labeled.out"),
}


def read(path: Path) -> Iterator[dict]:
    return read_span_corpus(Path(path), SPLITS, MARKERS, SOURCE)
