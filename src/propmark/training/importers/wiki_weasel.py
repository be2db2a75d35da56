"""``wiki-weasel``: CoNLL-2010 Wikipedia (Szeged WikiWeasel) sentences -> unsourced_attribution.

The corpus marks Wikipedia sentences ``1`` "uncertain" when an editor's cue makes the
claim unverifiable: weasel words ("some people say", "it is believed", "critics
argue"), but also hedges ("may", "possibly") and peacock terms ("one of the greatest").
Only the weasel part is the guide's ``unsourced_attribution`` (a claim whose source is
vague or missing); hedges alone are not attributions in the guide. The CSV gives no cue
spans to tell them apart, so every uncertain sentence becomes ``unsourced_attribution``
and certain ones "not unsourced": a loose, noisy proxy, and the only one with a
permissive licence. The corpus speaks for that label alone (``annotated``).

Sentences come without article context: each is its own document
(``wiki-weasel-<split>-<row>``). The Penn-Treebank bracket tokens (``-LRB-``, ``-RRB-``
...) that the CSV conversion left in the text are turned back into brackets; nothing
else is changed. Reads ``train.csv`` and ``test.csv`` (columns ``text,label``) from the
corpus folder. Licence CC BY-SA: ``use`` is ``train``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.training.importers._corpus import record, require

CORPUS = "wiki-weasel"
ANNOTATED = ["unsourced_attribution"]
SPLITS = ("train", "test")
_BRACKETS = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}"}


def clean(text: str) -> str:
    """Strip ``text`` and undo the treebank bracket escapes."""
    for token, bracket in _BRACKETS.items():
        text = text.replace(token, bracket)
    return text.strip()


def _rows(file: Path) -> Iterator[tuple[int, str, str]]:
    """(row number, text, label) for each data row of one split's CSV."""
    try:
        with file.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if reader.fieldnames is None or not {"text", "label"} <= set(reader.fieldnames):
                raise PropmarkError(f"{file} is not a WikiWeasel CSV: expected the columns text,label")
            for number, row in enumerate(reader, start=1):
                if row["label"] not in ("0", "1"):
                    raise PropmarkError(f"{file} row {number}: label must be 0 or 1, got {row['label']!r}")
                yield number, row["text"], row["label"]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PropmarkError(f"cannot read {file}: {exc}") from exc


def read(path: Path) -> Iterator[dict]:
    """Yield one record per sentence; uncertain sentences get ``unsourced_attribution``."""
    path = require(Path(path), CORPUS, *(f"{split}.csv" for split in SPLITS))
    for split in SPLITS:
        for number, raw, label in _rows(path / f"{split}.csv"):
            text = clean(raw)
            if text:
                yield record(
                    text,
                    ["unsourced_attribution"] if label == "1" else [],
                    doc_id=f"{CORPUS}-{split}-{number:05d}",
                    lang="en",
                    split=split,
                    corpus=CORPUS,
                    annotated=ANNOTATED,
                    use="train",
                )
