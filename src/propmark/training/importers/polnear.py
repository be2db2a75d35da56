"""``polnear``: PolNeAR attribution relations -> unsourced_attribution (evaluation only).

PolNeAR (1,008 US election news articles, brat standoff) marks every attribution with a
Source, a Cue and a Content span. The guide's ``unsourced_attribution`` is a claim whose
source is vague, anonymous or missing, so an attribution counts as unsourced when:

- it has no Source span (``Attribution-no-source``: "it is believed that ..."), or
- its Source is vague: it holds a quantifier of ``VAGUE_QUANTIFIERS`` ("some
  Democrats", "many", "others"), or one of ``VAGUE_WORDS`` (sources, officials, experts,
  critics, aides, people, reports, ...) not directly followed by a capitalised name.
  "Sources said", "a source close to Trump", "Clinton campaign aides" (anonymous people
  inside a named body, as the guide's "laut WELT hieß es in Parteikreisen") are vague;
  "campaign aide Maria Lopez", "White House spokesman Josh Earnest", "The New York
  Post", "Trump" are named. Known misses: a named group ("Republicans") counts as
  named, and a vague word used in passing ("the official campaign") as vague. Pronouns ("he", "they") count as named: they point back to a source the
  article named, and resolving them is left out.

Sentences come from ``segment`` over the article text. A sentence gets the label when
it overlaps the Cue or a Content span of an unsourced attribution by at least one
character (``MIN_OVERLAP``): the claim and the attributing verb are what the marker is
about; the Source span is inside or next to them. Sentences of named attributions, and
sentences with no attribution, are "not unsourced" (``annotated`` is that label only).

Train articles annotated by several people (16 of 840) use the annotator whose ``.ann``
file sorts first, so each article is imported once. The quality-control compartments
are not in the shipped archive and are left out. Reads ``polnear_text_attributions.tar.xz``
in the folder without unpacking, or an unpacked ``data/<split>/{text,attributions}``
tree. No licence is stated: ``use`` is ``eval-only``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from propmark.errors import PropmarkError
from propmark.training.importers._corpus import corpus_files, record, require
from propmark.text.segment import segment

CORPUS = "polnear"
ANNOTATED = ["unsourced_attribution"]
ARCHIVE = "polnear_text_attributions.tar.xz"
SPLITS = ("train", "dev", "test")
MIN_OVERLAP = 1
VAGUE_WORDS = frozenset(
    """source sources official officials expert experts critic critics analyst analysts observer observers
    aide aides adviser advisers advisor advisors insider insiders person persons people someone somebody
    reports rumors rumours witness witnesses diplomat diplomats""".split()
)
VAGUE_QUANTIFIERS = frozenset("some many several others unnamed anonymous".split())
_WORD = re.compile(r"[^\W_]+(?:[.'’][^\W_]+)*")
_TEXT_BOUND = re.compile(r"^(T\d+)\t(\S+) ([\d ;]+)\t", re.MULTILINE)
_EVENT = re.compile(r"^E\d+\t(.+)$", re.MULTILINE)

Span = tuple[int, int]


@dataclass(frozen=True)
class Attribution:
    source: list[Span]
    claim: list[Span]  # the Cue and Content spans


def is_vague(source: str) -> bool:
    """True when a Source span's words name nobody (see the module docstring)."""
    words = _WORD.findall(source)
    if not words:
        return True
    lowered = [w.lower() for w in words]
    if any(w in VAGUE_QUANTIFIERS for w in lowered):
        return True
    hits = [i for i, w in enumerate(lowered) if w in VAGUE_WORDS]
    if not hits:
        return False
    after = words[hits[-1] + 1 : hits[-1] + 2]
    return not (after and after[0][0].isupper())


def parse_ann(ann: str) -> list[Attribution]:
    """The attributions of one brat ``.ann`` file (span texts may hold newlines)."""
    spans = {
        tid: [tuple(int(x) for x in part.split()) for part in ranges.split(";")]
        for tid, _kind, ranges in _TEXT_BOUND.findall(ann)
    }
    attributions = []
    for args in _EVENT.findall(ann):
        roles: dict[str, list[Span]] = {"Source": [], "Cue": [], "Content": []}
        for arg in args.split():
            role, _, tid = arg.partition(":")
            role = role.rstrip("0123456789")
            if role in roles:
                roles[role].extend(spans.get(tid, []))
        attributions.append(Attribution(source=roles["Source"], claim=roles["Cue"] + roles["Content"]))
    return attributions


def is_unsourced(attribution: Attribution, text: str) -> bool:
    return not attribution.source or is_vague(" ".join(text[a:b] for a, b in attribution.source))


def overlaps(unit: Span, span: Span) -> bool:
    return min(unit[1], span[1]) - max(unit[0], span[0]) >= MIN_OVERLAP


def label_sentences(text: str, attributions: list[Attribution]) -> Iterator[tuple[str, list[str]]]:
    """(sentence, labels) in reading order for one article."""
    unsourced = [span for a in attributions if is_unsourced(a, text) for span in a.claim]
    for unit in segment(text, "en"):
        hit = any(overlaps((unit.start, unit.end), span) for span in unsourced)
        yield unit.text, ["unsourced_attribution"] if hit else []


def _articles(path: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(split, article stem) -> {"text": ..., "ann": ...} using the first annotator's file."""
    articles: dict[tuple[str, str], dict[str, str]] = {}
    for name, content in corpus_files(path, ARCHIVE, "data/*/*/*"):
        parts = PurePosixPath(name).parts
        split, kind, file = parts[-3], parts[-2], parts[-1]
        if split not in SPLITS:
            continue
        if kind == "text" and file.endswith(".txt"):
            articles.setdefault((split, file[: -len(".txt")]), {})["text"] = content.decode("utf-8")
        elif kind == "attributions" and file.endswith(".ann"):
            entry = articles.setdefault((split, file[: -len(".ann")].rsplit("_", 1)[0]), {})
            if file < entry.get("ann_file", "\uffff"):
                entry["ann_file"], entry["ann"] = file, content.decode("utf-8")
    return articles


def read(path: Path) -> Iterator[dict]:
    """Yield one record per sentence of every annotated article, train, dev, then test."""
    path = require(Path(path), CORPUS)
    if not (path / ARCHIVE).is_file() and not (path / "data").is_dir():
        raise PropmarkError(f"{path} is not a {CORPUS} corpus folder: expected {ARCHIVE} or an unpacked data/ folder")
    articles = _articles(path)
    if not articles:
        raise PropmarkError(f"{path}: found no PolNeAR articles under data/<train|dev|test>/")
    for (split, stem), entry in sorted(articles.items(), key=lambda kv: (SPLITS.index(kv[0][0]), kv[0][1])):
        if "text" not in entry or "ann" not in entry:
            continue
        for text, labels in label_sentences(entry["text"], parse_ann(entry["ann"])):
            yield record(
                text, labels, doc_id=f"{CORPUS}-{stem}", lang="en", split=split, corpus=CORPUS, annotated=ANNOTATED, use="eval-only"
            )
