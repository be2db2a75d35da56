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
from functools import lru_cache
from pathlib import Path

from propmark.errors import DataError
from propmark.io.files import read_jsonl
from propmark.io.readers import Article, InputOptions, article_from_bytes

# The corpora of ../shared/data whose licence lets the shipped model train on them (its README).
TRAIN_CORPORA = (
    "trafilatura_eval", "readability_test_pages", "postlight_parser_fixtures", "article_extraction_benchmark",
    "kremlin_en_pages", "newsagendas", "ud_news_docs", "gum_wikinews", "norec_fine_reviews",
)


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


@lru_cache(maxsize=1)
def _extract():
    import tldextract

    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no network


def site_of(url: str) -> str:
    """The registered domain; for a Wayback Machine copy, that of the page it archived."""
    parts = _extract()(url)
    site = parts.top_domain_under_public_suffix or parts.domain or url
    if site == "archive.org" and "/web/" in url:
        archived = url.split("/web/", 1)[1].split("/", 1)[-1]  # drop the capture's timestamp
        return site_of(archived) if "." in archived else site
    return site


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
        doc = _page("trafilatura_eval", file, site_of(url) if url else file, data, {"url": url} if url else {})
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
        doc = _page("postlight_parser_fixtures", file, site_of(host), data, {"url": f"https://{host}/"})
        if doc:
            yield doc


def _article_extraction(root: Path) -> Iterator[RealDocument]:
    truth = json.loads((root / "ground-truth.json").read_text(encoding="utf-8"))
    for path in sorted((root / "html").glob("*.html.gz")):
        page_id = path.name.removesuffix(".html.gz")
        url = truth.get(page_id, {}).get("url")
        doc = _page("article_extraction_benchmark", page_id, site_of(url) if url else page_id, gzip.decompress(path.read_bytes()),
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


READERS = {
    "trafilatura_eval": _trafilatura_eval,
    "readability_test_pages": _readability,
    "postlight_parser_fixtures": _postlight,
    "article_extraction_benchmark": _article_extraction,
    "kremlin_en_pages": _kremlin,
    "newsagendas": _newsagendas,
    "ud_news_docs": _ud,
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
    """Every annotation under ``folder`` (``*.jsonl``, one document a line)."""
    out = []
    for path in sorted(Path(folder).rglob("*.jsonl")):
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


def rebuild(data_dir: Path, annotations: list[Annotation], use: str = "train") -> Rebuilt:
    """The labeled units of ``annotations``, rebuilt from ``data_dir`` through the text pipeline."""
    from propmark.pipeline import units

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
            for seg, key in zip(segments, keys):
                if key in ann.units:
                    out.records.append({"text": seg.text, "labels": ann.units[key], "doc_id": doc.key, "lang": lang,
                                        "outlet": doc.site, "corpus": corpus, "use": use})
        out.missing_documents += [f"{corpus}/{d}" for d in sorted(set(wanted) - found)]
    return out
