"""Measure propmark's sentence segmentation (propmark.text.segment) against UD gold sentences.

    python scripts/measure_segment.py [--data ../shared/data] [--by-treebank] [--json]
    python scripts/measure_segment.py --long-line [--json]

ud_news_docs gives each paragraph as its gold sentences (no raw text with offsets), so a
paragraph's text is its sentences joined with one space (never a newline: segment also
cuts at line breaks). The gold boundaries are the ends of all sentences but the last; the
predicted ones are the ends of all units but the last. Precision, recall and F1 of the
boundary offsets are reported per language (or per treebank) for two settings:

  lang    segment(text, lang): the abbreviation list of the text's language
  merged  segment(text, None): every language's abbreviations merged (the old behaviour)

"R.punct" is the recall over the gold boundaries whose sentence ends in . ! ? or … (with
any closing quotes): UD also ends sentences without punctuation (headlines, list items,
social posts), which no punctuation-based splitter can find in a space-joined text.

Treebanks without paragraph marks (da_ddt, de/fr/es_gsd, fr_sequoia, pl_pud, pl_pdb,
it_isdt) are one paragraph per stream, so their "paragraphs" count is 1 or 2; the GSD
streams are shuffled single sentences, which makes them a re-join test. eval_only_nc/
(eval-only licence, measuring is allowed) is reported in rows of its own ("nc:"); its
uk_bruk_press has no sentences and is skipped. Every paragraph is used; nothing is sampled.

--long-line times segment(line, "de") (best of 3) on synthetic single lines: sentences
("Das ist ein Satz. " repeated) and words without punctuation at 10k, 100k and 1M
characters, and a run of full stops with no space after it at 5k, 10k and 20k characters.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from pathlib import Path

from _corpora import common_options, ud_documents
from propmark.text.segment import segment

LANG_ORDER = ("nb", "sv", "da", "de", "fr", "es", "ru", "en", "it", "pl", "uk")
SETTINGS = ("lang", "merged")
PUNCT_END = re.compile(r"[.!?…]+[\"'”“»«’)\]]*$")
LONG_LINES = (  # (name, repeated piece, lengths in characters)
    ("sentences", "Das ist ein Satz. ", (10_000, 100_000, 1_000_000)),
    ("no punctuation", "wort ", (10_000, 100_000, 1_000_000)),
    ("full stops, no space", ".", (5_000, 10_000, 20_000)),
)


def paragraphs(data: Path, by_treebank: bool):
    """(row key, language, [sentence texts]) for every UD paragraph that has gold sentences."""
    for subset, path, doc in ud_documents(data):
        key = (f"{subset}:" if subset else "") + (path.name.removesuffix(".jsonl.xz") if by_treebank else doc["lang"])
        for paragraph in doc["paragraphs"]:
            if isinstance(paragraph, dict):  # uk_bruk_press paragraphs are plain strings
                sents = [s["text"].strip() for s in paragraph["sents"] if s["text"].strip()]
                if sents:
                    yield key, doc["lang"], sents


def gold_boundaries(sents: list[str]) -> tuple[str, set[int], set[int]]:
    """The joined text, its internal sentence ends, and those of them after sentence punctuation."""
    ends, punctuated, offset = set(), set(), 0
    for sent in sents[:-1]:
        offset += len(sent)
        ends.add(offset)
        if PUNCT_END.search(sent):
            punctuated.add(offset)
        offset += 1  # the joining space
    return " ".join(sents), ends, punctuated


def scores(tp: int, predicted: int, gold: int, tp_punct: int, gold_punct: int) -> dict:
    p = tp / predicted if predicted else 1.0
    r = tp / gold if gold else 1.0
    return {
        "predicted": predicted, "precision": round(p, 4), "recall": round(r, 4),
        "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4),
        "recall_punct": round(tp_punct / gold_punct if gold_punct else 1.0, 4),
    }


def measure(data: Path, by_treebank: bool) -> list[dict]:
    counts: dict[str, dict] = defaultdict(lambda: {"paragraphs": 0, "gold": 0, "gold_punct": 0, **{s: [0, 0, 0] for s in SETTINGS}})
    langs: dict[str, str] = {}
    for key, lang, sents in paragraphs(data, by_treebank):
        text, gold, punctuated = gold_boundaries(sents)
        langs[key] = lang
        row = counts[key]
        row["paragraphs"] += 1
        row["gold"] += len(gold)
        row["gold_punct"] += len(punctuated)
        for setting in SETTINGS:
            predicted = {u.end for u in segment(text, lang if setting == "lang" else None)[:-1]}
            tally = row[setting]
            tally[0] += len(predicted & gold)
            tally[1] += len(predicted)
            tally[2] += len(predicted & punctuated)

    def order(key: str) -> tuple:
        lang = langs[key]
        return key.startswith("nc:"), LANG_ORDER.index(lang) if lang in LANG_ORDER else len(LANG_ORDER), key

    rows = []
    for key in sorted(counts, key=order):
        row = counts[key]
        out = {"key": key, "language": langs[key], "paragraphs": row["paragraphs"], "gold_boundaries": row["gold"], "gold_punct": row["gold_punct"]}
        for setting in SETTINGS:
            tp, predicted, tp_punct = row[setting]
            out[setting] = scores(tp, predicted, row["gold"], tp_punct, row["gold_punct"])
        rows.append(out)
    return rows


def time_long_lines() -> list[dict]:
    segment("Warm-up. Lädt die Regeln.", "de")
    results = []
    for name, piece, lengths in LONG_LINES:
        for length in lengths:
            line = (piece * (length // len(piece) + 1))[:length]
            best = float("inf")
            for _ in range(3):
                start = time.perf_counter()
                units = segment(line, "de")
                best = min(best, time.perf_counter() - start)
            results.append({"line": name, "chars": length, "units": len(units), "seconds": round(best, 4), "us_per_char": round(1e6 * best / length, 3)})
    return results


def print_boundaries(rows: list[dict]) -> None:
    header = (f"{'language':<22} {'pars':>5} {'gold':>6} | {'lang: P':>7} {'R':>6} {'F1':>6} {'R.punct':>7}"
              f" | {'merged: P':>9} {'R':>6} {'F1':>6} {'R.punct':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        cells = [f"{row['key']:<22} {row['paragraphs']:>5} {row['gold_boundaries']:>6}"]
        for setting, width in (("lang", 7), ("merged", 9)):
            s = row[setting]
            cells.append(f"{s['precision']:>{width}.4f} {s['recall']:>6.4f} {s['f1']:>6.4f} {s['recall_punct']:>7.4f}")
        print(" | ".join(cells))
    print("(nc: = ud_news_docs/eval_only_nc; gold = internal sentence ends, paragraph ends excluded)")


def print_long(results: list[dict]) -> None:
    print(f"{'line':<22} {'chars':>9} {'units':>7} {'seconds':>9} {'us/char':>8}")
    for r in results:
        print(f"{r['line']:<22} {r['chars']:>9} {r['units']:>7} {r['seconds']:>9.4f} {r['us_per_char']:>8.3f}")


def main() -> None:
    parser = common_options(__doc__)
    parser.add_argument("--by-treebank", action="store_true", help="one row per treebank file instead of per language")
    parser.add_argument("--long-line", action="store_true", help="time segment on synthetic long lines instead")
    args = parser.parse_args()

    if args.long_line:
        results = time_long_lines()
        if args.json:
            print(json.dumps({"long_line": results}))
        else:
            print_long(results)
    else:
        rows = measure(args.data, args.by_treebank)
        if args.json:
            print(json.dumps({"boundaries": rows}))
        else:
            print_boundaries(rows)


if __name__ == "__main__":
    main()
