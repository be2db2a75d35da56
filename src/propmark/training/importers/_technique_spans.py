"""Shared by the persuasion-technique importers (``ptc``, ``ru_zen_prop``, ``semeval2023``).

These corpora annotate *techniques* (a propaganda taxonomy), not propmark's markers, so each
importer names a technique -> marker table and the logic here turns techniques into
sentence records the same way for all three (``markers_for``, ``make_record``, ``read_utf8``;
``semeval2023`` has paragraph labels, not spans, and uses only these):

- ``read_span_corpus`` reads the PTC layout that PTC and ru_zen_prop share: per split an
  ``articles`` folder of ``article<ID>.txt`` files and one gold file of
  ``ID<TAB>technique<TAB>start<TAB>end`` lines (character offsets, exclusive end). Every
  article in the folder is yielded, also those without any span (all their sentences are
  then negatives for the corpus's ``annotated`` markers).
- ``sentence_labels`` maps spans onto ``segment()`` units. A span labels a sentence when the
  text they share holds at least one letter or digit: a span that ends on the next
  sentence's opening quote, or starts on the previous sentence's full stop, does not leak
  its technique onto that neighbour, while a span that runs across several sentences
  labels each of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import NamedTuple

from propmark.errors import PropmarkError
from propmark.training.importers._corpus import record
from propmark.text.segment import segment


class Span(NamedTuple):
    start: int
    end: int  # exclusive
    technique: str


class SplitFiles(NamedTuple):
    articles: str  # folder of article<ID>.txt
    gold: str  # ID<TAB>technique<TAB>start<TAB>end


class Source(NamedTuple):
    """What every record of one corpus shares."""

    corpus: str
    lang: str
    annotated: list[str]
    use: str


def make_record(text: str, labels: list[str], source: Source, doc_id: str, split: str) -> dict:
    return record(text, labels, doc_id=doc_id, lang=source.lang, split=split, corpus=source.corpus,
                  annotated=list(source.annotated), use=source.use)


def markers_for(techniques: Iterable[str], markers: Mapping[str, str]) -> list[str]:
    """The sorted marker names the given techniques map to (unmapped techniques drop out)."""
    return sorted({markers[t] for t in techniques if t in markers})


def read_utf8(path: Path) -> str:
    """The file's text with line ends untouched, so that character offsets stay exact."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise PropmarkError(f"cannot read {path}: {exc}") from exc


def _shares_word_char(text: str, a: int, b: int) -> bool:
    return any(ch.isalnum() for ch in text[a:b])


def sentence_labels(text: str, spans: Iterable[Span], markers: Mapping[str, str], lang: str | None = None) -> Iterator[tuple[str, list[str]]]:
    """Yield ``(sentence, markers)`` for each ``segment()`` unit of ``text`` (in ``lang``, where known)."""
    mapped = [s for s in spans if s.technique in markers]
    for unit in segment(text, lang):
        hits = (s.technique for s in mapped if _shares_word_char(text, max(unit.start, s.start), min(unit.end, s.end)))
        yield unit.text, markers_for(hits, markers)


def read_gold(path: Path) -> dict[str, list[Span]]:
    """Parse a PTC-format gold file into spans per article id."""
    spans: dict[str, list[Span]] = {}
    for number, line in enumerate(read_utf8(path).splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) != 4 or not (parts[2].isdigit() and parts[3].isdigit()):
            raise PropmarkError(f"{path}:{number}: expected ID<TAB>technique<TAB>start<TAB>end, got {line[:80]!r}")
        spans.setdefault(parts[0], []).append(Span(int(parts[2]), int(parts[3]), parts[1]))
    return spans


def _article_id(path: Path) -> str:
    return path.stem.removeprefix("article")


def _check_spans(article: Path, text: str, spans: list[Span]) -> None:
    for span in spans:
        if not 0 <= span.start <= span.end <= len(text):
            raise PropmarkError(f"{article}: span {span.start}-{span.end} ({span.technique}) lies outside the text ({len(text)} characters)")


def _present_splits(root: Path, splits: Mapping[str, SplitFiles], corpus: str) -> dict[str, SplitFiles]:
    if not root.is_dir():
        raise PropmarkError(f"{root} is not a folder; {corpus} expects the corpus folder")
    present = {name: files for name, files in splits.items() if (root / files.articles).is_dir() and (root / files.gold).is_file()}
    if not present:
        wanted = "; ".join(f"{f.articles}/ + {f.gold}" for f in splits.values())
        raise PropmarkError(f"{root} does not look like the {corpus} corpus: none of these found: {wanted}")
    return present


def _split_records(root: Path, split: str, files: SplitFiles, markers: Mapping[str, str], source: Source) -> Iterator[dict]:
    gold = read_gold(root / files.gold)
    articles = {_article_id(p): p for p in sorted((root / files.articles).glob("article*.txt"))}
    missing = sorted(set(gold) - set(articles))
    if missing:
        raise PropmarkError(f"{root / files.gold} has spans for articles missing from {root / files.articles}: {', '.join(missing[:5])}")
    for article_id, article in articles.items():
        text = read_utf8(article)
        spans = gold.get(article_id, [])
        _check_spans(article, text, spans)
        for sentence, labels in sentence_labels(text, spans, markers, source.lang):
            yield make_record(sentence, labels, source, f"{source.corpus}-article{article_id}", split)


def read_span_corpus(root: Path, splits: Mapping[str, SplitFiles], markers: Mapping[str, str], source: Source) -> Iterator[dict]:
    """Sentence records for every article of every split found under ``root`` (checked now, read lazily)."""
    present = _present_splits(root, splits, source.corpus)
    return (record for split, files in present.items() for record in _split_records(root, split, files, markers, source))
