"""PTC (SemEval-2020 task 11, English news): propaganda-technique spans -> ``appeal`` sentences.

Reads the unpacked corpus folder as distributed (no archive): ``train-articles/`` with
``train-task-flc-tc.labels`` and ``dev-articles/`` with ``dev-task-flc-tc.labels``; the test
articles have no gold and are left out. Splits are kept as ``train`` / ``dev``. Research-only
licence, so every record is ``eval-only``; the annotation speaks only for ``appeal``.

Mapping (the guide's ``appeal``: text that turns to the reader to make them feel fear,
outrage, pity, patriotism or prejudice, or to act):

- ``Appeal_to_fear-prejudice`` -> appeal: the guide's appeal to fear and prejudice.
- ``Flag-Waving`` -> appeal: the guide's appeal to patriotism / group pride.

Left out: ``Slogans`` (a form, often a chant quoted in reporting, which the guide says is not
an appeal), ``Bandwagon,Reductio_ad_hitlerum`` (merged class, mostly an argument by
association), ``Appeal_to_Authority`` (an argument, not an address to the reader), and
the rest (loaded language, name calling, doubt, ...), which are not appeals. PTC has no call
to action class, so calls to share/subscribe/donate are not marked: recall of ``appeal`` on
this corpus measures the emotional appeals only. Techniques are also marked inside quotes,
which the guide would not call the outlet's own appeal: expect some label noise.

Sentences are ``segment()`` units of the whole article (PTC gives one NLTK sentence a line);
span-to-sentence mapping is shared with ``ru_zen_prop`` in ``_technique_spans``. Note that
the English SemEval-2023 task 3 data is built from these same articles (``semeval2023``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from propmark.training.importers._technique_spans import Source, SplitFiles, read_span_corpus

MARKERS = {
    "Appeal_to_fear-prejudice": "appeal",
    "Flag-Waving": "appeal",
}
SOURCE = Source(corpus="ptc", lang="en", annotated=["appeal"], use="eval-only")
SPLITS = {
    "train": SplitFiles("train-articles", "train-task-flc-tc.labels"),
    "dev": SplitFiles("dev-articles", "dev-task-flc-tc.labels"),
}


def read(path: Path) -> Iterator[dict]:
    return read_span_corpus(Path(path), SPLITS, MARKERS, SOURCE)
