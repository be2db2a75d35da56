"""Benchmark `propmark score` against a plain baseline on the same corpus and model.

    python scripts/bench_score.py --articles 1000 --scale 20000

Builds a crawl-like corpus from the project's labeled articles: each synthetic article keeps
its outlet's boilerplate lines verbatim (menus, footers and donation blocks repeat across a
site's pages, as in real crawls) while every body sentence is made unique. Pages come in
sites of 20 consecutive pages (``--site-pages``; a crawl folder per site) built on the
outlets in turn, so the share of repeated lines is the same at every corpus size. Then,
each in its own process so peak memory is its own:

  baseline  every article segmented and classified on its own with the encoder and head in
            fp32, batches of 32 sentences in reading order, nothing else;
  shipped   the `propmark score` path: run_batch over the journal with Predictor.load()
            (merged adapters, defaults/batch.yaml precision, cross-article batches sorted by
            token length and filled to a token budget, repeated sentences of a group encoded
            once).
  levers    (--levers) the shipped path in fp32 (separates precision from batching).
  ray       (--ray) `propmark score --engine ray` on a local Ray instance with one actor per
            core (one torch thread each), the same corpus cut into blocks of 64 articles;
            its time includes starting the actors and loading a model in each, not ray.init.

Prints sentences/s, articles/s and peak RSS for both and their ratio; with --scale it also runs
the shipped path on a larger corpus to show throughput and memory stay flat.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from propmark.config import default_model_dir

REPO = Path(__file__).resolve().parents[1]


def build_corpus(path: Path, n: int, unique_lines: bool = False, site_pages: int = 20) -> None:
    from propmark.config import label_names
    from propmark.training.corpus import load_documents

    docs = load_documents([REPO / "training" / "corpus"], label_names())
    by_outlet: dict[str, list] = {}
    for doc in docs:
        by_outlet.setdefault(doc.group, []).append(doc)
    outlets = sorted(by_outlet)
    with open(path, "w", encoding="utf-8") as out:
        for i in range(n):
            pages = by_outlet[outlets[(i // site_pages) % len(outlets)]]
            doc = pages[i % len(pages)]
            # the marker leads the line: after a full stop it would become a unit of its own
            lines = [s if "boilerplate" in labels and not unique_lines else f"#{i} {s}" for s, labels in zip(doc.sentences, doc.labels)]
            out.write(json.dumps({"id": f"a{i}", "text": "\n".join(lines), "outlet": doc.outlet}, ensure_ascii=False) + "\n")


def baseline(corpus: Path, model_dir: Path) -> dict:
    import torch

    from propmark.markers import folder as model_io
    from propmark.io.readers import iter_articles
    from propmark.markers.model import neighbour_index, position_features
    from propmark.text.langid import detect
    from propmark.text.segment import segment

    model = model_io.load(model_dir)
    started = time.perf_counter()
    articles = sentences = 0
    with torch.inference_mode():
        for article in iter_articles([corpus]):
            texts = [s.text for s in segment(article.text, detect(article.text))]
            embeddings = torch.cat([model.embed(model.tokenize(texts[i : i + 32])) for i in range(0, len(texts), 32)])
            model.classify(embeddings, neighbour_index(len(texts), model.spec.context_window),
                           position_features(len(texts), [len(t) for t in texts]))
            articles += 1
            sentences += len(texts)
    return {"articles": articles, "sentences": sentences, "seconds": time.perf_counter() - started}


def shipped(corpus: Path, model_dir: Path, precision: str | None = None) -> dict:
    from propmark.batch import run_batch
    from propmark.config.schemas import BatchConfig
    from propmark.io.journal import Journal
    from propmark.io.readers import iter_articles
    from propmark.pipeline import Predictor

    cfg = BatchConfig.load()
    predictor = Predictor.load(model_dir, precision, config=cfg)
    out = corpus.with_suffix(".scored.jsonl")
    with Journal(out, force=True) as results, Journal(None) as errors:
        summary = run_batch(predictor, iter_articles([corpus]), results, errors, cfg.group_articles)
    return {"articles": summary.scored, "sentences": summary.sentences, "seconds": summary.seconds,
            "precision": predictor.model.precision}


def ray_engine(corpus: Path, model_dir: Path) -> dict:
    import os

    import pyarrow.parquet as pq
    import ray

    from propmark.raydata import score_ray

    cores = os.cpu_count() or 1
    ray.init(num_cpus=cores, include_dashboard=False, log_to_driver=False, configure_logging=False)
    out = corpus.with_name("ray-out")
    started = time.perf_counter()
    summary = score_ray([str(corpus)], str(out), model=str(model_dir), actors=cores)
    seconds = time.perf_counter() - started
    sentences = sum(len(s) for path in out.glob("block-*.parquet") for s in pq.read_table(path, columns=["sentences"]).column(0).to_pylist())
    return {"articles": summary.results, "sentences": sentences, "seconds": seconds, "actors": cores}


def worker(mode: str, corpus: Path, model_dir: Path) -> None:
    if mode == "ray":
        result = ray_engine(corpus, model_dir)
    else:
        result = baseline(corpus, model_dir) if mode == "baseline" else shipped(corpus, model_dir, "fp32" if mode == "shipped-fp32" else None)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def measure(mode: str, corpus: Path, model_dir: Path) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--worker", mode, "--corpus", str(corpus), "--model", str(model_dir)],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["sentences_per_s"] = result["sentences"] / result["seconds"]
    result["articles_per_s"] = result["articles"] / result["seconds"]
    return result


def row(name: str, r: dict) -> str:
    return (f"{name:<22} {r['articles']:>7} {r['sentences']:>9} {r['seconds']:>9.1f} "
            f"{r['sentences_per_s']:>11.1f} {r['articles_per_s']:>11.2f} {r['peak_rss_mb']:>10.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--scale", type=int, default=0, help="also run the shipped path on this many articles")
    parser.add_argument("--model", type=Path, default=default_model_dir())
    parser.add_argument("--site-pages", type=int, default=20, help="consecutive pages per site (a site's furniture repeats across them)")
    parser.add_argument("--unique-lines", action="store_true", help="make every line unique (no repeated boilerplate: the worst case)")
    parser.add_argument("--levers", action="store_true", help="also run the shipped path in fp32 (separates precision from batching)")
    parser.add_argument("--ray", action="store_true", help="also run the Ray engine on a local instance (one actor per core)")
    parser.add_argument("--worker", choices=["baseline", "shipped", "shipped-fp32", "ray"], help=argparse.SUPPRESS)
    parser.add_argument("--corpus", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.corpus, args.model)
        return
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / f"corpus-{args.articles}.jsonl"
        build_corpus(corpus, args.articles, args.unique_lines, args.site_pages)
        base = measure("baseline", corpus, args.model)
        ship = measure("shipped", corpus, args.model)
        print(f"{'':<22} {'articles':>7} {'sentences':>9} {'seconds':>9} {'sentences/s':>11} {'articles/s':>11} {'peak MB':>10}")
        print(row("baseline (fp32)", base))
        print(row(f"propmark score ({ship['precision']})", ship))
        if args.levers:
            print(row("propmark score (fp32)", measure("shipped-fp32", corpus, args.model)))
        if args.ray:
            rayed = measure("ray", corpus, args.model)
            print(row(f"--engine ray ({rayed['actors']} actors)", rayed) + "  (driver only: each actor is its own process)")
            print(f"ray per actor: {rayed['sentences_per_s'] / rayed['actors']:.1f} sentences/s; "
                  f"against one process: {rayed['sentences_per_s'] / ship['sentences_per_s']:.2f}x")
        print(f"speed-up: {ship['sentences_per_s'] / base['sentences_per_s']:.2f}x sentences/s")
        if args.scale:
            big = Path(tmp) / f"corpus-{args.scale}.jsonl"
            build_corpus(big, args.scale, args.unique_lines, args.site_pages)
            scaled = measure("shipped", big, args.model)
            print(row(f"propmark score x{args.scale}", scaled))
            drift = scaled["sentences_per_s"] / ship["sentences_per_s"] - 1
            print(f"throughput {args.articles} -> {args.scale} articles: {drift:+.1%}; peak RSS {ship['peak_rss_mb']:.0f} -> {scaled['peak_rss_mb']:.0f} MB")


if __name__ == "__main__":
    main()
