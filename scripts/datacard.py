"""Print the data card tables (counts by label, language and outlet type) for training/README.md.

Usage: python scripts/datacard.py [FILES_OR_FOLDERS...]   (default: training/corpus training/seeds.jsonl)
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

from propmark.io.files import read_jsonl

LABELS = ["boilerplate", "appeal", "unsourced_attribution", "state_media_disclaimer"]


def rows(paths: list[Path]):
    for path in paths:
        for file in sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]:
            for _, record, _ in read_jsonl(file):
                if record is not None:
                    yield record


def table(title: str, key: str, records: list[dict]) -> str:
    docs: dict[str, set] = defaultdict(set)
    units: Counter = Counter()
    positives: dict[str, Counter] = defaultdict(Counter)
    for r in records:
        k = r.get(key) or "?"
        docs[k].add(r.get("doc_id"))
        units[k] += 1
        positives[k].update(r["labels"])
    head = f"| {title} | articles | sentences | " + " | ".join(LABELS) + " | no label |"
    lines = [head, "|" + "---|" * (len(LABELS) + 4)]
    total_docs = total_units = 0
    total_pos: Counter = Counter()
    for k in sorted(units, key=lambda x: -units[x]):
        empty = sum(1 for r in records if (r.get(key) or "?") == k and not r["labels"])
        lines.append(f"| {k} | {len(docs[k])} | {units[k]} | " + " | ".join(str(positives[k][x]) for x in LABELS) + f" | {empty} |")
        total_docs += len(docs[k]); total_units += units[k]; total_pos.update(positives[k])
    empty_all = sum(1 for r in records if not r["labels"])
    lines.append(f"| **all** | {total_docs} | {total_units} | " + " | ".join(str(total_pos[x]) for x in LABELS) + f" | {empty_all} |")
    return "\n".join(lines)


def main() -> None:
    paths = [Path(p) for p in sys.argv[1:]] or [Path("training/corpus"), Path("training/seeds.jsonl")]
    records = list(rows(paths))
    print(table("language", "lang", records))
    print()
    if any(r.get("corpus") for r in records):  # real documents (propmark import real): by corpus and page kind
        print(table("corpus", "corpus", records))
        pages = {r["doc_id"] for r in records if r.get("layout")}
        print(f"\n{len(pages)} of {len({r['doc_id'] for r in records})} documents are HTML pages with their furniture; "
              f"{sum(1 for r in records if r['doc_id'] in pages)} of {len(records)} units.")
    else:
        print(table("outlet type", "outlet_type", records))
    print()
    print(f"{len({r.get('outlet') for r in records})} sites.")


if __name__ == "__main__":
    main()
