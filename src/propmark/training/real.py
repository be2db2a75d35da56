"""Real documents from ``../shared/data`` and the project's own standoff labels for them.

The corpora may not be committed, so the project keeps only its decisions: per document,
the corpus, the document's id in it, and for every unit a key (a hash of the unit's text
and its occurrence in the document) with that unit's labels, never the text. The units
are rebuilt from the corpus through the same text pipeline that scores pages (decode,
HTML blocks, language, segmentation), so what was annotated is what the model sees; a
key that no longer matches (after a segmentation change, say) is counted and reported.

Sites are registered domains (the Public Suffix List through tldextract, offline), so
splits never put one site in both train and test; a document without a url is its own site.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import lzma
import tarfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from propmark.credibility.domains import registered_domain
from propmark.errors import DataError
from propmark.io.files import read_jsonl
from propmark.io.readers import Article, InputOptions, article_from_bytes

# The corpora of ../shared/data whose licence lets the shipped model train on them (its README).
TRAIN_CORPORA = (
    "trafilatura_eval", "readability_test_pages", "postlight_parser_fixtures", "article_extraction_benchmark",
    "kremlin_en_pages", "newsagendas", "ud_news_docs", "gum_wikinews", "norec_fine_reviews",
)
# Research-only corpora: annotated to measure the model, never to train it.
EVAL_CORPORA = ("semeval2023_task3", "ru_state_media_1tv_mfa")


def doc_key(doc: str) -> str:
    """What the standoff stores for a document id: a hash (corpus file names are often headlines)."""
    return hashlib.sha1(doc.encode("utf-8")).hexdigest()[:16]


@dataclass
class RealDocument:
    corpus: str
    doc: str  # the document's id within its corpus
    site: str  # registered domain, or a per-document stand-in when the corpus gives no url
    article: Article

    @property
    def key(self) -> str:
        return f"{self.corpus}/{self.doc}"

    @property
    def hashed(self) -> str:
        return doc_key(self.doc)


@dataclass
class Annotation:
    """One annotator's decisions on one document: every unit key with its labels ([] = none)."""

    corpus: str
    doc: str  # doc_key() of the document's id in its corpus
    annotator: str
    units: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"corpus": self.corpus, "doc": self.doc, "annotator": self.annotator,
                           "units": [[k, v] for k, v in self.units.items()]}, ensure_ascii=False)


def unit_keys(texts: Iterable[str]) -> list[str]:
    """``sha1(text)[:12]:n`` for the n-th unit with that text in the document: stable, and no text."""
    seen: Counter = Counter()
    keys = []
    for text in texts:
        digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]
        keys.append(f"{digest}:{seen[digest]}")
        seen[digest] += 1
    return keys


def _tar_members(path: Path, wanted) -> Iterator[tuple[str, bytes]]:
    with tarfile.open(path, "r:*") as tar:
        for member in tar:
            if member.isfile() and wanted(member.name):
                handle = tar.extractfile(member)
                if handle is not None:
                    yield member.name, handle.read()


def _page(corpus: str, doc: str, site: str, data: bytes, meta: dict) -> RealDocument | None:
    article = article_from_bytes(f"{corpus}/{doc}", data, True, InputOptions(), meta)
    return RealDocument(corpus, doc, site, article) if isinstance(article, Article) else None


def _text(corpus: str, doc: str, site: str, text: str, meta: dict) -> RealDocument:
    return RealDocument(corpus, doc, site, Article(f"{corpus}/{doc}", text, meta, f"{corpus}/{doc}"))


def _trafilatura_eval(root: Path) -> Iterator[RealDocument]:
    urls = {entry["file"]: url for url, entry in json.loads((root / "evaldata.json").read_text(encoding="utf-8")).items()}
    for name, data in _tar_members(root / "html_pages.tar.xz", lambda n: n.startswith(("tests/eval/", "tests/cache/"))):
        file = name.rsplit("/", 1)[-1]
        url = urls.get(file)
        doc = _page("trafilatura_eval", file, registered_domain(url) if url else file, data, {"url": url} if url else {})
        if doc:
            yield doc


def _readability(root: Path) -> Iterator[RealDocument]:
    for name, data in _tar_members(root / "test-pages.tar.xz", lambda n: n.endswith("/source.html")):
        folder = name.split("/")[-2]
        doc = _page("readability_test_pages", folder, f"readability:{folder.rsplit('-', 1)[0]}", data, {})
        if doc:
            yield doc


def _postlight(root: Path) -> Iterator[RealDocument]:
    for name, data in _tar_members(root / "fixtures_html.tar.xz", lambda n: n.endswith(".html")):
        file = name.rsplit("/", 1)[-1]
        host = file.removesuffix(".html")
        doc = _page("postlight_parser_fixtures", file, registered_domain(host), data, {"url": f"https://{host}/"})
        if doc:
            yield doc


def _article_extraction(root: Path) -> Iterator[RealDocument]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((root / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        url = truth.get(page_id, {}).get("url")
        doc = _page("article_extraction_benchmark", page_id, registered_domain(url) if url else page_id, gzip.decompress(path.read_bytes()),
                    {"url": url} if url else {})
        if doc:
            yield doc


def _kremlin(root: Path) -> Iterator[RealDocument]:
    for name, data in _tar_members(root / "kremlin_news_pages.tar.xz", lambda n: n.endswith(".html")):
        page_id = name.rsplit("/", 1)[-1].removesuffix(".html")
        doc = _page("kremlin_en_pages", page_id, "kremlin.ru", data, {"url": f"http://en.kremlin.ru/events/president/news/{page_id}"})
        if doc:
            yield doc


def _newsagendas(root: Path) -> Iterator[RealDocument]:
    for _, record, _ in read_jsonl(root / "newsagendas.jsonl"):
        if isinstance(record, dict) and record.get("article-contents"):
            body = record["article-contents"].replace("</br>", "\n")
            text = f"{record.get('article-title', '')}\n{body}"
            yield _text("newsagendas", str(record["id"]), f"newsagendas:{record['id']}", text, {})


def _ud(root: Path, size: int = 25) -> Iterator[RealDocument]:
    """UD documents; treebanks kept as one long stream (no document marks) come in runs of about ``size`` sentences.

    A paragraph is never split unless it alone runs past twice ``size`` (a stream without
    paragraph marks); the site is the UD document, so runs of one stream never straddle a split.
    """
    for path in sorted(root.glob("*.jsonl.xz")):  # eval_only_nc/ is not globbed: it may not train
        with lzma.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                chunks: list[list[str]] = []
                current: list[str] = []
                count = 0
                for paragraph in record["paragraphs"]:
                    if not isinstance(paragraph, dict):
                        continue
                    sents = [s["text"] for s in paragraph["sents"]]
                    for start in range(0, len(sents), 2 * size):
                        piece = sents[start:start + 2 * size]
                        current.append(" ".join(piece))
                        count += len(piece)
                        if count >= size:
                            chunks.append(current)
                            current, count = [], 0
                if current:
                    chunks.append(current)
                for n, paragraphs in enumerate(chunks):
                    doc = f"{record['doc_id']}#{n}" if len(chunks) > 1 else str(record["doc_id"])
                    yield _text("ud_news_docs", doc, f"ud:{record['doc_id']}", "\n".join(paragraphs), {"lang": record.get("lang")})


def _paragraph_docs(root: Path, pattern: str, corpus: str, site) -> Iterator[RealDocument]:
    """UD-style ``{"doc_id", "paragraphs": [{"sents": [...]}]}`` records, a paragraph a line."""
    for path in sorted(root.glob(pattern)):
        with lzma.open(path, "rt", encoding="utf-8") as lines:
            for line in lines:
                record = json.loads(line)
                text = "\n".join(" ".join(s["text"] for s in p["sents"]) for p in record["paragraphs"] if isinstance(p, dict))
                meta = {"lang": record.get("lang")}
                if record.get("meta", {}).get("sourceURL"):
                    meta["url"] = record["meta"]["sourceURL"]
                yield _text(corpus, str(record["doc_id"]), site(record), text, meta)


def _gum(root: Path) -> Iterator[RealDocument]:
    """The Wikinews genres of GUM (news and interviews): one site, wikinews.org."""
    yield from _paragraph_docs(root, "gum_[ni][en]*.jsonl.xz", "gum_wikinews", lambda r: "wikinews.org")


def _norec(root: Path) -> Iterator[RealDocument]:
    """NoReC reviews: sentence ids are ``doc-paragraph-sentence``; the text is tokenised (spaces before punctuation).

    The corpus names no newspaper per review, so each review is its own site.
    """
    for split in ("train", "dev", "test"):
        with lzma.open(root / f"{split}.json.xz", "rt", encoding="utf-8") as handle:
            sentences = json.load(handle)
        reviews: dict[str, dict[str, list[str]]] = {}
        for sent in sentences:
            doc, paragraph, _ = sent["sent_id"].split("-")
            reviews.setdefault(doc, {}).setdefault(paragraph, []).append(sent["text"])
        for doc, paragraphs in reviews.items():
            yield _text("norec_fine_reviews", doc, f"norec:{doc}", "\n".join(" ".join(p) for p in paragraphs.values()), {"lang": "nb"})


def _semeval(root: Path) -> Iterator[RealDocument]:
    """Dev articles of SemEval-2023 task 3 (eval only), whole; the corpus gives no urls."""
    for folder in sorted(root.glob("*/dev-articles-subtask-3")):
        lang = folder.parent.name
        for path in sorted(folder.glob("*.txt")):
            doc = f"{lang}/{path.stem}"
            yield _text("semeval2023_task3", doc, f"semeval:{doc}", path.read_text(encoding="utf-8"), {})


def _ru_state_media(root: Path) -> Iterator[RealDocument]:
    """Channel One news (title and lead) and the Russian MFA's English Telegram posts (eval only)."""
    import csv

    for name in ("1tv_news_2014.csv.xz", "1tv_news_2022.csv.xz"):
        with lzma.open(root / name, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = f"{row.get('title') or ''}\n{row.get('content') or ''}".strip()
                if text:
                    yield _text("ru_state_media_1tv_mfa", row["url"], "1tv.ru", text, {"url": row["url"]})
    with lzma.open(root / "mfa_telegram_en.csv.xz", "rt", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row.get("text") or "").strip():
                url = f"https://t.me/MFARussia/{row['message_id']}"
                yield _text("ru_state_media_1tv_mfa", f"mfa/{row['message_id']}", "t.me/MFARussia", row["text"], {"url": url})


READERS = {
    "trafilatura_eval": _trafilatura_eval,
    "readability_test_pages": _readability,
    "postlight_parser_fixtures": _postlight,
    "article_extraction_benchmark": _article_extraction,
    "kremlin_en_pages": _kremlin,
    "newsagendas": _newsagendas,
    "ud_news_docs": _ud,
    "gum_wikinews": _gum,
    "norec_fine_reviews": _norec,
    "semeval2023_task3": _semeval,
    "ru_state_media_1tv_mfa": _ru_state_media,
}


def documents(data_dir: Path, corpus: str, wanted: set[str] | None = None) -> Iterator[RealDocument]:
    """The corpus's documents (only those whose ``doc_key`` is in ``wanted``, when given) as the pipeline reads them."""
    if corpus not in READERS:
        raise DataError(f"no reader for the corpus {corpus!r}; known: {', '.join(READERS)}")
    root = Path(data_dir) / corpus
    if not root.is_dir():
        raise DataError(f"{root} is not there (the real corpora are read from ../shared/data, never committed)")
    for doc in READERS[corpus](root):
        if wanted is None or doc.hashed in wanted:
            yield doc


def read_annotations(folder: Path) -> list[Annotation]:
    """Every annotation in ``folder`` (``*.jsonl`` under it, one document a line), or in one such file."""
    out = []
    folder = Path(folder)
    for path in [folder] if folder.is_file() else sorted(folder.rglob("*.jsonl")):
        for number, record, problem in read_jsonl(path):
            try:
                if problem:
                    raise ValueError(problem)
                out.append(Annotation(record["corpus"], str(record["doc"]), record["annotator"],
                                      {k: list(v) for k, v in record["units"]}))
            except (KeyError, TypeError, ValueError) as exc:
                raise DataError(f"{path}:{number}: not a standoff annotation ({exc})") from None
    return out


@dataclass
class Rebuilt:
    records: list[dict]  # sentence records in the project's JSONL format, text rebuilt from the corpus
    documents: int = 0
    missing_documents: list[str] = field(default_factory=list)
    stale_keys: int = 0  # annotated keys the pipeline no longer produces
    unannotated_units: int = 0  # units the pipeline produces that the annotation does not cover


def rebuild(data_dir: Path, annotations: list[Annotation]) -> Rebuilt:
    """The labeled units of ``annotations``, rebuilt from ``data_dir`` through the text pipeline.

    Each record says whether its corpus may train (``use``: ``train`` or ``eval-only``).
    """
    from propmark.pipeline import unit_layouts, units

    by_corpus: dict[str, dict[str, Annotation]] = {}
    for ann in annotations:
        by_corpus.setdefault(ann.corpus, {})[ann.doc] = ann
    out = Rebuilt([])
    for corpus, wanted in sorted(by_corpus.items()):
        found = set()
        for doc in documents(data_dir, corpus, set(wanted)):
            found.add(doc.hashed)
            ann = wanted[doc.hashed]
            lang, segments = units(doc.article)
            keys = unit_keys(s.text for s in segments)
            out.stale_keys += len(set(ann.units) - set(keys))
            out.unannotated_units += sum(1 for k in keys if k not in ann.units)
            out.documents += 1
            for seg, key, layout in zip(segments, keys, unit_layouts(doc.article, segments)):
                if key in ann.units:
                    out.records.append({"text": seg.text, "labels": ann.units[key], "doc_id": doc.key, "lang": lang, "layout": layout,
                                        "outlet": doc.site, "corpus": corpus,
                                        "use": "eval-only" if corpus in EVAL_CORPORA else "train"})
        out.missing_documents += [f"{corpus}/{d}" for d in sorted(set(wanted) - found)]
    return out


def agreement(first: list[Annotation], second: list[Annotation], labels: list[str]) -> dict:
    """Per-label F1 of one annotation against another on the units both decided (F1 is symmetric).

    This is the ceiling the model is measured against: two readers of the same documents
    under the same guide, the second blind to the first.
    """
    a_docs = {(a.corpus, a.doc): a.units for a in first}
    b_docs = {(b.corpus, b.doc): b.units for b in second}
    shared = sorted(set(a_docs) & set(b_docs))
    rows = {}
    for label in labels:
        tp = fp = fn = 0
        for key in shared:
            a, b = a_docs[key], b_docs[key]
            for unit in set(a) & set(b):
                x, y = label in a[unit], label in b[unit]
                tp += x and y
                fp += y and not x
                fn += x and not y
        rows[label] = {"both": tp, "only_first": fn, "only_second": fp, "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp + fp + fn else None}
    f1s = [r["f1"] for r in rows.values() if r["f1"] is not None]
    return {"documents": len(shared), "units": sum(len(set(a_docs[k]) & set(b_docs[k])) for k in shared), "labels": rows,
            "macro_f1": round(sum(f1s) / len(f1s), 3) if f1s else None}
