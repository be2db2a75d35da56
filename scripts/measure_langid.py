"""Measure propmark's language identification (propmark.text.langid) on real text.

    python scripts/measure_langid.py [--data ../shared/data] [--json]

The pipeline identifies each article with ``detect`` and each unit with ``detect_unit``
(which keeps the article's language for short or unsure units), so both are measured at the
levels the pipeline meets:

  semeval2023_task3         news articles (train + dev) and their paragraphs (non-empty lines);
                            folders ge and po are de and pl (eval-only corpus: measuring only)
  turku_text_quality_lines  OSCAR web documents and their lines, clean and noise lines apart
  ud_news_docs              UD documents (paragraphs joined) and their sentences;
                            eval_only_nc/ in rows of its own
  own: training/corpus      the project's own invented pages (articles grouped by doc_id)
                            and their units

Per corpus, level and language: items, accuracy of ``detect``, accuracy of ``detect_unit``
given the detected article language (units only), share of "und", and ms per ``detect``;
then every confusion (gold -> predicted) seen more than --min-confusion times. Every corpus
is read whole (it takes seconds), so nothing is sampled.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from pathlib import Path

from _corpora import common_options, ud_documents
from propmark.text.langid import UNDETERMINED, detect, detect_unit

SEMEVAL_LANGS = {"en": "en", "fr": "fr", "ge": "de", "it": "it", "po": "pl", "ru": "ru"}
TURKU_LANGS = ("de", "en", "es", "fi", "fr", "sv")

# A document is (corpus, gold language, document level, document text, [(unit level, unit text)]).


def semeval_docs(data: Path):
    for folder, lang in SEMEVAL_LANGS.items():
        for path in sorted((data / "semeval2023_task3" / folder).glob("*-articles-subtask-3/*.txt")):
            text = path.read_text(encoding="utf-8")
            units = [("paragraph", line) for line in text.splitlines() if line.strip()]
            yield "semeval2023_task3", lang, "article", text, units


def turku_docs(data: Path):
    for lang in TURKU_LANGS:
        for path in sorted((data / "turku_text_quality_lines" / lang).glob("*.json")):
            for doc in json.loads(path.read_text(encoding="utf-8")):
                units = [("line-clean" if label == "1" else "line-noise", line) for line, label in zip(doc["text"], doc["labels"])]
                yield "turku_text_quality_lines", lang, "document", "\n".join(doc["text"]), units


def ud_docs(data: Path):
    for subset, _, doc in ud_documents(data):
        corpus = "ud_news_docs/eval_only_nc" if subset else "ud_news_docs"
        paragraphs = doc["paragraphs"]
        if paragraphs and isinstance(paragraphs[0], str):  # uk_bruk_press: paragraphs without sentences
            units = [("paragraph", p) for p in paragraphs]
            text = "\n\n".join(paragraphs)
        else:
            units = [("sentence", s["text"]) for p in paragraphs for s in p["sents"]]
            text = "\n\n".join(" ".join(s["text"] for s in p["sents"]) for p in paragraphs)
        yield corpus, doc["lang"], "document", text, units


def own_docs(corpus_dir: Path):
    articles: dict[str, list[dict]] = defaultdict(list)
    for path in sorted(corpus_dir.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            articles[record["doc_id"]].append(record)
    for records in articles.values():
        units = [("unit", r["text"]) for r in records]
        yield "own: training/corpus", records[0]["lang"], "article", "\n".join(r["text"] for r in records), units


class Tally:
    """Counts for one (corpus, level, language) row."""

    def __init__(self) -> None:
        self.items = self.correct = self.unit_correct = self.und = 0
        self.seconds = 0.0

    def add(self, gold: str, pred: str, seconds: float, unit_pred: str | None) -> None:
        self.items += 1
        self.correct += pred == gold
        self.und += pred == UNDETERMINED
        self.seconds += seconds
        if unit_pred is not None:
            self.unit_correct += unit_pred == gold


def measure(docs) -> tuple[dict, Counter]:
    rows: dict[tuple[str, str, str], Tally] = defaultdict(Tally)
    confusions: Counter = Counter()

    def timed_detect(text: str) -> tuple[str, float]:
        start = time.perf_counter()
        pred = detect(text)
        return pred, time.perf_counter() - start

    detect("warm-up")  # loads the model outside the timings
    for corpus, gold, level, text, units in docs:
        article_lang, seconds = timed_detect(text)
        rows[corpus, level, gold].add(gold, article_lang, seconds, None)
        if article_lang != gold:
            confusions[corpus, level, "detect", gold, article_lang] += 1
        for unit_level, unit in units:
            pred, seconds = timed_detect(unit)
            unit_pred = detect_unit(unit, article_lang)
            rows[corpus, unit_level, gold].add(gold, pred, seconds, unit_pred)
            if pred != gold:
                confusions[corpus, unit_level, "detect", gold, pred] += 1
            if unit_pred != gold:
                confusions[corpus, unit_level, "detect_unit", gold, unit_pred] += 1
    return rows, confusions


def report(rows: dict, confusions: Counter, min_confusion: int) -> dict:
    table = []
    corpora = list(dict.fromkeys(corpus for corpus, _, _ in rows))  # in reading order
    for (corpus, level, lang), t in sorted(rows.items(), key=lambda kv: (corpora.index(kv[0][0]), kv[0][1], kv[0][2])):
        is_unit = level not in ("article", "document")
        table.append({
            "corpus": corpus, "level": level, "lang": lang, "items": t.items,
            "acc_detect": round(t.correct / t.items, 4),
            "acc_detect_unit": round(t.unit_correct / t.items, 4) if is_unit else None,
            "und_share": round(t.und / t.items, 4),
            "ms_per_item": round(1000 * t.seconds / t.items, 3),
        })
    frequent = [
        {"corpus": c, "level": lv, "function": fn, "gold": g, "pred": p, "count": n}
        for (c, lv, fn, g, p), n in sorted(confusions.items(), key=lambda kv: (corpora.index(kv[0][0]), kv[0][1:3], -kv[1], kv[0][3:]))
        if n > min_confusion
    ]
    return {"rows": table, "confusions": frequent, "min_confusion": min_confusion}


def print_text(result: dict) -> None:
    header = f"{'corpus':<26} {'level':<10} {'lang':<4} {'items':>7} {'detect':>7} {'d_unit':>7} {'und':>6} {'ms/item':>8}"
    print(header)
    print("-" * len(header))
    for r in result["rows"]:
        unit = "" if r["acc_detect_unit"] is None else f"{r['acc_detect_unit']:.3f}"
        print(f"{r['corpus']:<26} {r['level']:<10} {r['lang']:<4} {r['items']:>7} {r['acc_detect']:>7.3f} {unit:>7} {r['und_share']:>6.3f} {r['ms_per_item']:>8.3f}")
    print("(detect: accuracy of detect(item); d_unit: of detect_unit(unit, detect(article)); und: share of detect() == 'und';"
          " ms/item: one detect() call)")
    print(f"\nConfusions seen more than {result['min_confusion']} times (gold->predicted count), most frequent first:")
    groups: dict[tuple[str, str, str], list[str]] = defaultdict(list)
    for c in result["confusions"]:
        groups[c["corpus"], c["level"], c["function"]].append(f"{c['gold']}->{c['pred']} {c['count']}")
    for (corpus, level, function), pairs in groups.items():
        print(f"  {corpus:<26} {level:<10} {function:<11} " + ", ".join(pairs))


def main() -> None:
    parser = common_options(__doc__, corpus=True)
    parser.add_argument("--min-confusion", type=int, default=5, help="list confusions seen more often than this")
    args = parser.parse_args()

    def all_docs():
        yield from semeval_docs(args.data)
        yield from turku_docs(args.data)
        yield from ud_docs(args.data)
        yield from own_docs(args.corpus)

    result = report(*measure(all_docs()), args.min_confusion)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print_text(result)


if __name__ == "__main__":
    main()
