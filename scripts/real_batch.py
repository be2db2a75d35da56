"""Annotation batches of real documents: export units for annotators, collect their decisions as standoff.

    python scripts/real_batch.py export --corpus trafilatura_eval --docs 30 --out /tmp/ann/b1 [--lang de]
    python scripts/real_batch.py collect /tmp/ann/b1.labels.jsonl --batches /tmp/ann/b1 --annotator a1 --out training/real/labels/b1.jsonl
    python scripts/real_batch.py agreement training/real/labels training/real/second

``export`` writes, outside the repository, each chosen document's units as the pipeline
cuts them (index, layout, text) for an annotator to read whole; ``collect`` turns the
annotator's decisions (per document: the count of units read and the labels of the units
that carry any) into the project's standoff form (unit keys and labels, no text);
``agreement`` compares two blind annotations of the same documents per label, and
``disagreements`` lists the units they decide differently, for adjudication.
Documents already annotated are never exported again.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

from _corpora import REPO

from propmark.config import label_names
from propmark.io.files import read_jsonl, write_text
from propmark.pipeline import units
from propmark.training.real import Annotation, doc_key, documents, read_annotations, unit_keys
from propmark.training.real import agreement as real_agreement


def export(args: argparse.Namespace) -> None:
    done = {(a.corpus, a.doc) for folder in args.skip for a in (read_annotations(folder) if folder.is_dir() else [])}
    chosen, sites = [], set()
    docs = list(documents(args.data, args.corpus))
    random.Random(args.seed).shuffle(docs)
    for doc in docs:
        if (doc.corpus, doc.hashed) in done or (args.one_per_site and doc.site in sites) or (args.sites and doc.site not in args.sites):
            continue
        lang, segments = units(doc.article)
        if args.lang and lang not in args.lang or not args.min_units <= len(segments) <= args.max_units:
            continue
        starts = [b.start for b in doc.article.blocks]
        rows = []
        for i, seg in enumerate(segments):
            block = next((b for b in reversed(doc.article.blocks) if b.start <= seg.start), None) if starts else None
            where = f"{block.region or '-'}/{block.tag}" if block else "-"
            rows.append({"i": i, "where": where, "text": seg.text})
        chosen.append({"corpus": doc.corpus, "doc": doc.doc, "site": doc.site, "lang": lang,
                       "url": doc.article.meta.get("url"), "title": doc.article.meta.get("title"), "units": rows})
        sites.add(doc.site)
        if len(chosen) >= args.docs:
            break
    args.out.mkdir(parents=True, exist_ok=True)
    write_text(args.out / "batch.jsonl", "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in chosen))
    for n, d in enumerate(chosen):
        head = f"# document {n}: corpus={d['corpus']} doc={d['doc']} site={d['site']} lang={d['lang']} units={len(d['units'])}\n"
        head += f"# url: {d['url']}\n# title: {d['title']}\n"
        body = "".join(f"{r['i']}\t{r['where']}\t{r['text']}\n" for r in d["units"])
        write_text(args.out / f"doc{n:03d}.txt", head + body)
    print(f"{len(chosen)} documents, {sum(len(d['units']) for d in chosen)} units -> {args.out}")


def collect(args: argparse.Namespace) -> None:
    """Check every decision against the batch (all units counted, labels known) and write standoff lines."""
    known = set(label_names())
    batch = {(r["corpus"], r["doc"]): r for folder in args.batches for _, r, _ in read_jsonl(folder / "batch.jsonl")}
    out, problems = [], []
    for number, record, problem in read_jsonl(args.labels):
        if problem:
            problems.append(f"line {number}: {problem}")
            continue
        doc = batch.get((record.get("corpus"), str(record.get("doc"))))
        if doc is None:
            problems.append(f"line {number}: {record.get('corpus')}/{record.get('doc')} is not in the batch")
            continue
        n = len(doc["units"])
        if record.get("n_units") != n:
            problems.append(f"line {number}: {doc['doc']} has {n} units, the annotator counted {record.get('n_units')}")
            continue
        labels = {int(i): sorted(set(v)) for i, v in record.get("labels", {}).items()}
        bad = [(i, v) for i, v in labels.items() if not 0 <= i < n or not set(v) <= known]
        if bad:
            problems.append(f"line {number}: {doc['doc']}: bad unit index or label {bad[:3]}")
            continue
        keys = unit_keys(u["text"] for u in doc["units"])
        out.append(Annotation(doc["corpus"], doc_key(doc["doc"]), args.annotator, {k: labels.get(i, []) for i, k in enumerate(keys)}))
    for p in problems:
        print("problem:", p, file=sys.stderr)
    print(f"{len(out)} documents collected, {len(problems)} problems", file=sys.stderr)
    if out:
        write_text(args.out, "".join(a.to_json() + "\n" for a in out))


def agreement(args: argparse.Namespace) -> None:
    """Per-label F1 of annotator B against annotator A on the units both annotated."""
    print(json.dumps(real_agreement(read_annotations(args.first), read_annotations(args.second), label_names()), indent=1))


def disagreements(args: argparse.Namespace) -> None:
    """Each unit the two annotations decide differently, with its text from the exported batches (to adjudicate)."""
    first = {(a.corpus, a.doc): a for a in read_annotations(args.first)}
    second = {(a.corpus, a.doc): a for a in read_annotations(args.second)}
    texts = {}
    for batch in args.batches:
        for path in sorted(batch.rglob("batch.jsonl")):
            for _, doc, _ in read_jsonl(path):
                for key, unit in zip(unit_keys(u["text"] for u in doc["units"]), doc["units"]):
                    texts[doc["corpus"], doc_key(doc["doc"]), key] = (doc["doc"], unit)
    for pair in sorted(set(first) & set(second)):
        a, b = first[pair].units, second[pair].units
        for key in a:
            if set(a[key]) != set(b.get(key, [])):
                doc, unit = texts.get((*pair, key), ("?", {"i": "?", "where": "?", "text": "?"}))
                print(f"{doc[:30]}\t{unit['i']}\t{unit['where']}\tfirst={a[key]}\tsecond={b.get(key)}\t{unit['text'][:140]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    exp = sub.add_parser("export")
    exp.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    exp.add_argument("--corpus", required=True)
    exp.add_argument("--docs", type=int, default=20)
    exp.add_argument("--lang", nargs="*", help="only documents the pipeline identifies as these languages")
    exp.add_argument("--min-units", type=int, default=8)
    exp.add_argument("--max-units", type=int, default=220)
    exp.add_argument("--one-per-site", action="store_true")
    exp.add_argument("--sites", nargs="*", help="only documents of these sites (registered domains)")
    exp.add_argument("--seed", type=int, default=13)
    exp.add_argument("--skip", type=Path, nargs="*", default=[REPO / "training" / "real" / "labels"])
    exp.add_argument("--out", type=Path, required=True)
    col = sub.add_parser("collect")
    col.add_argument("labels", type=Path)
    col.add_argument("--batches", type=Path, nargs="+", required=True, help="the exported batch folders the documents come from")
    col.add_argument("--annotator", required=True)
    col.add_argument("--out", type=Path, required=True)
    agr = sub.add_parser("agreement")
    agr.add_argument("first", type=Path)
    agr.add_argument("second", type=Path)
    dis = sub.add_parser("disagreements")
    dis.add_argument("first", type=Path)
    dis.add_argument("second", type=Path)
    dis.add_argument("--batches", type=Path, nargs="+", required=True, help="the exported batch folders (outside the repo)")
    args = parser.parse_args()
    {"export": export, "collect": collect, "agreement": agreement, "disagreements": disagreements}[args.command](args)


if __name__ == "__main__":
    main()
