"""Measure propmark's HTML stage (``propmark.text.html.parse``) on real pages.

    python scripts/measure_html.py [--data ../shared/data] [--limit N] [--json]

Two questions, both on the real corpora in ``--data`` (read in place, archives streamed,
nothing unpacked or copied):

accuracy  on article_extraction_benchmark (181 pages with a gold article body): bag-of-words
          token precision / recall / F1 of the extracted text against the gold body, per page,
          then the mean over pages. Tokens are whitespace-split words, case and punctuation
          kept; overlap = sum over words of min(count in extracted, count in gold);
          P = overlap / extracted tokens, R = overlap / gold tokens, F1 = 2PR / (P + R), and
          0 for a page with no overlap. Rows: ``parse(main_only=True)``, the default
          all-blocks mode (it keeps menus and footers on purpose, so its recall is what
          counts), trafilatura.extract as a reference, trafilatura with the options
          main_only passes it (the gap to main_only is what matching its output back onto
          the block lines loses), and selectolax body text as a speed reference. Time is
          per page, for the HTML -> text step on the decoded page.
robustness  over every real HTML page in the corpora (see ``SOURCES``): pages whose text
          comes out empty in each mode, pages where decoding or parsing raises, and pages
          where one furniture region (form, comments, nav...) holds 80% or more of the
          all-blocks text, i.e. where the region a line is given says little.

Pages are decoded with ``propmark.text.decode.decode(data, declared_charset(data))``, as
propmark's readers do. scripts/measure_decode.py reuses ``iter_pages`` from here.
"""

from __future__ import annotations

import gzip
import json
import statistics
import tarfile
import time
from collections import Counter
from pathlib import Path
from typing import Callable, Iterator

from _corpora import common_options

AEB = "article_extraction_benchmark"
# one call of each extractor before its timed pass, so lazy imports and first-call setup are not timed
WARMUP = "<html><body><article><h1>Warm up</h1><p>" + "A sentence of warm-up text. " * 40 + "</p></article></body></html>"

# (source name, archive under --data, which archive members are real pages)
SOURCES: list[tuple[str, str, Callable[[str], bool]]] = [
    ("trafilatura_eval", "trafilatura_eval/html_pages.tar.xz", lambda n: n.startswith(("tests/eval/", "tests/cache/"))),
    ("readability_test_pages", "readability_test_pages/test-pages.tar.xz", lambda n: n.endswith("/source.html")),
    ("postlight_parser_fixtures", "postlight_parser_fixtures/fixtures_html.tar.xz", lambda n: n.endswith(".html")),
    *[
        (f"html_boilerplate_gold/{name}", f"html_boilerplate_gold/{name}.tar.xz", lambda n: "/input/" in n and n.endswith(".html"))
        for name in ("l3s_gn1__page-signal-master", "cleaneval-final", "cleaneval-dev", "CleanPortalEval-master", "dragnet_data")
    ],
    ("kremlin_en_pages", "kremlin_en_pages/kremlin_news_pages.tar.xz", lambda n: n.endswith(".html")),
]


def benchmark_pages(data: Path, limit: int = 0) -> Iterator[tuple[str, bytes]]:
    """(sha256 key of ground-truth.json, raw bytes) for article_extraction_benchmark's pages."""
    paths = sorted((data / AEB / "html").glob("*.html.gz"))
    for path in paths[:limit] if limit else paths:
        yield path.name.removesuffix(".html.gz"), gzip.decompress(path.read_bytes())


def iter_pages(data: Path, limit: int = 0) -> Iterator[tuple[str, str, bytes]]:
    """(source, page name, raw bytes) for every real HTML page; ``limit`` > 0 caps each source."""
    for name, raw in benchmark_pages(data, limit):
        yield AEB, name, raw
    for source, archive, is_page in SOURCES:
        with tarfile.open(data / archive, "r:xz") as tar:
            count = 0
            for member in tar:
                if not (member.isfile() and is_page(member.name)):
                    continue
                if limit and count >= limit:
                    break
                count += 1
                yield source, member.name, tar.extractfile(member).read()


def source_versions(*modules: str) -> dict[str, str]:
    """sha256 prefix of each module's source file, so figures can be tied to a code version."""
    import hashlib
    import importlib

    return {m: hashlib.sha256(Path(importlib.import_module(m).__file__).read_bytes()).hexdigest()[:12] for m in modules}


def decode_page(data: bytes) -> str:
    from propmark.text.decode import decode, declared_charset

    return decode(data, declared_charset(data)).text


def extractors() -> dict[str, Callable[[str], str]]:
    import trafilatura
    from selectolax.lexbor import LexborHTMLParser

    from propmark.text.html import parse

    def lexbor_text(html: str) -> str:
        body = LexborHTMLParser(html).body
        return body.text(separator="\n") if body is not None else ""

    return {
        "propmark main_only": lambda html: parse(html, main_only=True).text,
        "propmark all blocks": lambda html: parse(html).text,
        "trafilatura.extract": lambda html: trafilatura.extract(html) or "",
        "trafilatura, main_only opts": lambda html: trafilatura.extract(
            html, include_comments=False, include_tables=True, deduplicate=False) or "",
        "selectolax body text": lexbor_text,
    }


def token_prf(extracted: str, gold: str) -> tuple[float, float, float]:
    got, want = Counter(extracted.split()), Counter(gold.split())
    overlap = sum((got & want).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    p, r = overlap / sum(got.values()), overlap / sum(want.values())
    return p, r, 2 * p * r / (p + r)


def accuracy(data: Path, limit: int) -> dict:
    """Each extractor in its own pass over the pages, so none is timed on caches another warmed."""
    gold = {sha: row["articleBody"] for sha, row in json.loads((data / AEB / "ground-truth.json").read_text("utf-8")).items()}
    pages = [(decode_page(raw), gold[key]) for key, raw in benchmark_pages(data, limit)]
    funcs = extractors()
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in funcs}
    times: dict[str, list[float]] = {name: [] for name in funcs}
    for label, func in funcs.items():
        func(WARMUP)
        for html, body in pages:
            start = time.perf_counter()
            text = func(html)
            times[label].append((time.perf_counter() - start) * 1000)
            scores[label].append(token_prf(text, body))
    return {
        label: {
            "pages": len(rows),
            "precision": statistics.fmean(r[0] for r in rows),
            "recall": statistics.fmean(r[1] for r in rows),
            "f1": statistics.fmean(r[2] for r in rows),
            "ms_median": statistics.median(times[label]),
            "ms_mean": statistics.fmean(times[label]),
        }
        for label, rows in scores.items()
    }


def dominant_region(page) -> str:
    """The furniture region holding at least 80% of the page's text characters, or ""."""
    chars: Counter = Counter()
    for block in page.blocks:
        chars[block.region] += block.end - block.start
    region, count = max(chars.items(), key=lambda item: item[1], default=("", 0))
    return region if count >= 0.8 * sum(chars.values()) else ""


def robustness(data: Path, limit: int) -> dict:
    from propmark.text.html import parse

    per_source: dict[str, Counter] = {}
    regions: Counter = Counter()
    errors: list[dict] = []
    for source, name, raw in iter_pages(data, limit):
        counts = per_source.setdefault(source, Counter())
        counts["pages"] += 1
        stage = "decode"
        try:
            html = decode_page(raw)
            stage = "parse all"
            page = parse(html)
            counts["empty all"] += not page.text.strip()
            if region := dominant_region(page):
                counts["one region"] += 1
                regions[region] += 1
            stage = "parse main"
            counts["empty main"] += not parse(html, main_only=True).text.strip()
        except Exception as exc:  # noqa: BLE001 - counting every failure is the point
            counts["errors"] += 1
            errors.append({"source": source, "page": name, "stage": stage, "error": f"{type(exc).__name__}: {exc}"[:200]})
    columns = ("pages", "empty all", "empty main", "errors", "one region")
    table = {source: {c: counts[c] for c in columns} for source, counts in per_source.items()}
    table["TOTAL"] = {c: sum(row[c] for row in table.values()) for c in columns}
    return {"sources": table, "one_region_by_region": dict(regions.most_common()), "errors": errors}


def print_tables(result: dict) -> None:
    print("Accuracy on article_extraction_benchmark (mean per-page bag-of-words token P/R/F1 vs articleBody)")
    print(f"{'extractor':<28} {'pages':>5} {'P':>6} {'R':>6} {'F1':>6} {'ms med':>7} {'ms mean':>8}")
    for label, row in result["accuracy"].items():
        print(f"{label:<28} {row['pages']:>5} {row['precision']:>6.3f} {row['recall']:>6.3f} {row['f1']:>6.3f} "
              f"{row['ms_median']:>7.2f} {row['ms_mean']:>8.2f}")
    print("\nRobustness over real pages (empty = no non-space text; errors = decode or parse raised;")
    print("one region = 80%+ of the all-blocks text in a single furniture region)")
    print(f"{'source':<50} {'pages':>6} {'empty all':>10} {'empty main':>11} {'errors':>7} {'one region':>11}")
    for source, row in result["robustness"]["sources"].items():
        print(f"{source:<50} {row['pages']:>6} {row['empty all']:>10} {row['empty main']:>11} {row['errors']:>7} "
              f"{row['one region']:>11}")
    print("one region, by region: " + ", ".join(f"{k} {v}" for k, v in result["robustness"]["one_region_by_region"].items()))
    for error in result["robustness"]["errors"]:
        print(f"  {error['source']} {error['page']} [{error['stage']}]: {error['error']}")
    print(f"\npropmark sources: {result['sources']}; {result['seconds']:.0f} s")


def main() -> None:
    parser = common_options(__doc__)
    parser.add_argument("--limit", type=int, default=0, help="at most N pages per source (default: all)")
    args = parser.parse_args()
    start = time.perf_counter()
    result = {"accuracy": accuracy(args.data, args.limit), "robustness": robustness(args.data, args.limit)}
    result["sources"] = source_versions("propmark.text.html", "propmark.text.decode")
    result["seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print_tables(result)


if __name__ == "__main__":
    main()
