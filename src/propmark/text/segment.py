"""Split article text into sentences and lines, keeping exact character offsets.

Offsets matter because every downstream view (JSONL, terminal highlighting, reports)
points back into the original text: ``text[start:end]`` must give the unit back.
Lines come first because much of what the markers are about (menus, headline lists,
bank details, "annonse") is lines without sentence punctuation. Abbreviations are chosen by
the text's language: merged across languages, Italian "sig." ended no Danish sentence and
Polish "ok." no English one. Every check looks at a bounded window around a candidate
boundary, so a line of any length is split in linear time.

Hand-written because the libraries measured were no better on real text (boundary F1 on a
re-join test over 11 languages: this 0.994, pysbd 0.993 at 26x the time, blingfire 0.991,
syntok 0.992; wtpsplit needs hub weights) and none keeps line-level units with offsets.
On UD's real sentence boundaries, language-chosen lists score within 0.004 F1 of the merged
ones (README "Text pipeline"); what they buy is the cross-language misses above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from propmark.config import load_config

_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]+[\"'”“»«’)\]]*(?=\s)")  # the lookbehind keeps "....." linear
_NEXT_TOKEN = re.compile(r"\s+(\S+)")
_LINK_STARTS = ("http://", "https://", "www.", "pic.twitter.com")
_OPENERS = "\"'„“”«»‚‘(–—-[¿¡$€£@*"
_DASHES = frozenset({"-", "–", "—", "«", "»", "„", "“"})  # a stand-alone dash or spaced quote opens dialogue


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    text: str


_WINDOW = 80  # characters around a candidate boundary that the rules may look at


@dataclass(frozen=True)
class _Rules:
    abbreviations: tuple[str, ...]
    abbreviation_set: frozenset[str]
    months: frozenset[str]
    ordinal_cues: frozenset[str]
    max_chars: int


@lru_cache(maxsize=64)
def _rules(lang: str | None) -> _Rules:
    """The rules for ``lang``; an unknown or undetermined language gets every list (the safe side)."""
    cfg = load_config("segmentation")
    lists = cfg["abbreviations"]
    chosen = [lists[lang]] if lang in lists else list(lists.values())
    abbreviations = {a for items in chosen for a in items}
    return _Rules(
        abbreviations=tuple(sorted(abbreviations, key=len, reverse=True)),
        abbreviation_set=frozenset(a.lower() for a in abbreviations),
        months=frozenset(m.lower() for m in cfg["months"]),
        ordinal_cues=frozenset(w.lower() for w in cfg["ordinal_cues"]),
        max_chars=int(cfg["max_unit_chars"]),
    )


def _ends_with_abbreviation(before: str, rules: _Rules) -> bool:
    """Case as written, and the capitalised form at a sentence start ("Bzw." for "bzw.")."""
    for abbr in rules.abbreviations:
        if before.endswith(abbr) or before.endswith(abbr[:1].upper() + abbr[1:]):
            cut = len(before) - len(abbr)
            if cut == 0 or not before[cut - 1].isalnum():
                return True
    return False


def _is_boundary(line: str, match: re.Match[str], rules: _Rules) -> bool:
    """Decide whether the punctuation run in ``match`` ends a sentence."""
    nxt = _NEXT_TOKEN.match(line, match.end())
    if nxt is None:
        return False
    token = nxt.group(1)
    if token in _DASHES:  # "kaldt ute. - Hei, sa han." / "hier. « Je reviendrai »"
        after = _NEXT_TOKEN.match(line, nxt.end())
        return bool(after) and (after.group(1)[0].isupper() or after.group(1)[0].isdigit())
    if not any(ch.isalnum() for ch in token):  # a stray closing quote or ellipsis: "… Deutschlands. ” …"
        return False
    if token.lower().startswith(_LINK_STARTS):
        return True
    first = token[0]
    if not (first.isupper() or first.isdigit() or first in _OPENERS):
        return False
    punct = match.group(0)
    if not punct.startswith("."):
        return True
    before = line[max(0, match.start() - _WINDOW) : match.start() + 1]
    word = re.search(r"(\S+)$", before[:-1])
    prev = word.group(1) if word else ""
    if _ends_with_abbreviation(before, rules) or f"{prev}. {token}".lower() in rules.abbreviation_set:
        return False
    if len(prev) == 1 and prev.isalpha() and prev.isupper():  # an initial: "Richard E. Hoagland"
        return False
    if prev.isdigit():
        if first.isdigit():
            return False
        bare = token.strip(_OPENERS + ".,;:").lower()
        if bare in rules.months:
            return False
        cue = re.search(r"(\S+)\s+\S+$", before[:-1])
        if cue and cue.group(1).lower() in rules.ordinal_cues and len(prev) <= 3:
            return False
    return True


def _split_long(start: int, end: int, text: str, max_chars: int) -> list[tuple[int, int]]:
    pieces = []
    while end - start > max_chars:
        cut = text.rfind(" ", start, start + max_chars)
        cut = cut if cut > start else start + max_chars
        pieces.append((start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    pieces.append((start, end))
    return pieces


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def segment(text: str, lang: str | None = None) -> list[Segment]:
    """Segment ``text`` (in language ``lang``, if known) into units whose offsets index ``text`` exactly."""
    rules = _rules(lang)
    units: list[Segment] = []
    for line_match in re.finditer(r"[^\n\r\u2028\u2029]+", text):
        line, offset = line_match.group(0), line_match.start()
        cuts = [0]
        for match in _BOUNDARY.finditer(line):
            if _is_boundary(line, match, rules):
                cuts.append(match.end())
        cuts.append(len(line))
        for a, b in zip(cuts, cuts[1:]):
            start, end = _trimmed(text, offset + a, offset + b)
            if start == end:
                continue
            for s, e in _split_long(start, end, text, rules.max_chars):
                s, e = _trimmed(text, s, e)
                if s < e:
                    units.append(Segment(s, e, text[s:e]))
    return units
