"""SemEval-2023 task 3, subtask 3 (news paragraphs in en fr de it pl ru): techniques -> ``appeal``.

Reads the unpacked corpus folder (no archive) holding one folder per language, named by the
task's codes (``ge`` = de, ``po`` = pl). In each, ``<split>-labels-subtask-3.txt`` gives
``article_id<TAB>paragraph_no<TAB>techniques`` (comma-separated, empty = none) and the
paragraph is line ``paragraph_no`` (1-based) of ``<split>-articles-subtask-3/article<ID>.txt``.
The articles are read rather than the ``.template`` files, whose train versions lose
paragraphs with embedded line breaks. Splits ``train`` and ``dev`` are kept; the unlabeled
test set is left out. Research-only licence, so every record is ``eval-only``.

The labels are per paragraph: every sentence (``segment()`` unit) of a paragraph gets the
paragraph's markers, so a positive paragraph also marks its neutral sentences. This is
noisy at sentence level; use it for paragraph-scale recall, not for sentence precision.
(The train split also has character spans, but dev has none, so both splits are read the
same way.)

Mapping (the guide's ``appeal``: text that turns to the reader to make them feel fear,
outrage, pity, patriotism or prejudice, or to act):

- ``Appeal_to_Fear-Prejudice`` -> appeal: the guide's appeal to fear and prejudice.
- ``Flag_Waving`` -> appeal: the guide's appeal to patriotism / group pride.
- ``Appeal_to_Time`` -> appeal: "the time has come to act", the guide's "we must act now
  before it is too late". Not annotated in English (its labels come from the older PTC
  scheme), so English positives are fear and flag-waving only.

Left out: ``Appeal_to_Values`` (arguing from values such as tradition or liberty is a
justification, not an address to the reader's fear, pity or pride; also absent in English),
``Appeal_to_Popularity`` and ``Appeal_to_Authority`` (arguments from numbers or authority),
``Appeal_to_Hypocrisy`` (an attack on an opponent), ``Slogans`` (a form, often quoted). The
task has no ``Appeal_to_Pity`` and no call-to-action class. Techniques are also marked in
quotes, which the guide would not call the outlet's own appeal. The English articles are the
PTC articles (``ptc``): do not count both as independent evidence.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.training.importers._technique_spans import Source, make_record, markers_for, read_utf8
from propmark.text.segment import segment

MARKERS = {
    "Appeal_to_Fear-Prejudice": "appeal",
    "Flag_Waving": "appeal",
    "Appeal_to_Time": "appeal",
}
LANGUAGES = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
SPLITS = ("train", "dev")


def _paragraph_labels(path: Path) -> dict[str, dict[int, list[str]]]:
    """Techniques per article id and paragraph number, in file order."""
    articles: dict[str, dict[int, list[str]]] = {}
    for number, line in enumerate(read_utf8(path).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[1].isdigit():
            raise PropmarkError(f"{path}:{number}: expected article_id<TAB>paragraph_no<TAB>techniques, got {line[:80]!r}")
        articles.setdefault(parts[0], {})[int(parts[1])] = [t for t in parts[2].split(",") if t]
    return articles


def _article_records(folder: Path, article_id: str, paragraphs: dict[int, list[str]], source: Source, split: str) -> Iterator[dict]:
    article = folder / f"article{article_id}.txt"
    if not article.is_file():
        raise PropmarkError(f"labels name article {article_id}, but {article} is missing")
    lines = read_utf8(article).split("\n")
    for number in sorted(paragraphs):
        if not 1 <= number <= len(lines):
            raise PropmarkError(f"{article}: paragraph {number} is past the article's {len(lines)} lines")
        labels = markers_for(paragraphs[number], MARKERS)
        for unit in segment(lines[number - 1], source.lang):
            yield make_record(unit.text, labels, source, f"semeval2023-{source.lang}-article{article_id}", split)


def _split_records(lang_dir: Path, lang: str, split: str) -> Iterator[dict]:
    source = Source(corpus="semeval2023", lang=lang, annotated=["appeal"], use="eval-only")
    labels = lang_dir / f"{split}-labels-subtask-3.txt"
    folder = lang_dir / f"{split}-articles-subtask-3"
    if not (labels.is_file() and folder.is_dir()):
        return
    for article_id, paragraphs in _paragraph_labels(labels).items():
        yield from _article_records(folder, article_id, paragraphs, source, split)


def read(path: Path) -> Iterator[dict]:
    root = Path(path)
    languages = {code: iso for code, iso in LANGUAGES.items() if (root / code).is_dir()}
    if not root.is_dir() or not any((root / code / f"{s}-labels-subtask-3.txt").is_file() for code in languages for s in SPLITS):
        raise PropmarkError(
            f"{root} does not look like the SemEval-2023 task 3 folder: expected language folders "
            f"({', '.join(LANGUAGES)}) holding train-/dev-labels-subtask-3.txt and the article folders"
        )
    return (record for code, iso in languages.items() for split in SPLITS for record in _split_records(root / code, iso, split))
