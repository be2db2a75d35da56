"""Article-level credibility data: the project's judgements, NewsAgendas, and the real annotated pages.

All become ``LabeledArticle``s: an ``Article`` to score, whether it counts as
low-credibility, its split (so the credibility model never sees the articles it is measured
on), the group resampling and splits go by (its outlet), and, where the corpus says it
without a url, the outlet's list facts.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from propmark.config import label_names, load_config
from propmark.credibility.outlets import Outlet, identify
from propmark.credibility.prior import prior_for
from propmark.errors import DataError
from propmark.io.files import read_jsonl
from propmark.io.readers import Article
from propmark.training.corpus import load_documents


@dataclass
class LabeledArticle:
    article: Article
    low: bool | None  # None: no judgement (a real page of an unlisted outlet), measured never, pooled per outlet still
    corpus: str  # "own", "newsagendas" or "real"
    split: str  # "train" or "test"
    group: str = ""  # the outlet, or the article itself
    outlet: Outlet | None = None  # list facts the corpus gives without a url (NewsAgendas' weak labels)

    def __post_init__(self) -> None:
        self.group = self.group or self.article.id


def own_articles(corpus: list[Path], labels_file: Path, test_ids: set[str]) -> list[LabeledArticle]:
    """The project's articles with the judgements in ``labels_file``; ``test_ids`` are held out.

    The held-out ids are the marker model's own test split, so neither model has seen them.
    """
    low_label = load_config("credibility")["fit"]["own_low_label"]
    judged: dict[str, str] = {}
    for number, record, _ in read_jsonl(labels_file):
        try:
            judged[record["doc_id"]] = record["credibility"]
        except (KeyError, TypeError) as exc:
            raise DataError(f"{labels_file}:{number}: expected {{\"doc_id\": ..., \"credibility\": ...}}") from exc
    out = []
    for doc in load_documents(corpus, label_names()):
        if doc.doc_id not in judged:
            continue
        article = Article(doc.doc_id, "\n".join(doc.sentences), {"outlet": doc.outlet} if doc.outlet else {}, doc.doc_id)
        out.append(LabeledArticle(article, judged[doc.doc_id] == low_label, "own", "test" if doc.doc_id in test_ids else "train",
                                  doc.outlet or doc.doc_id))
    if not out:
        raise DataError(f"none of the documents in {', '.join(map(str, corpus))} has a judgement in {labels_file}")
    return out


def newsagendas(path: Path) -> list[LabeledArticle]:
    """NewsAgendas (Subbiah et al. 2023, MIT): agenda score 1-5, its dev split trains, its test split tests.

    Articles without a score (split "full") are skipped. Paragraphs are ``</br></br>``-joined
    in the source; they become line breaks so segmentation sees them. The corpus names no
    outlet, but its weak labels are the FakeNewsCorpus types of the article's source: they
    are that source's list facts (the prior), never the target.
    """
    source = path / "newsagendas.jsonl" if path.is_dir() else path
    if not source.is_file():
        raise DataError(f"{path}: no newsagendas.jsonl here")
    low_from = int(load_config("credibility")["fit"]["low_agenda_score"])
    out = []
    for number, record, problem in read_jsonl(source):
        if problem or not isinstance(record, dict):
            raise DataError(f"{source}:{number}: {problem or 'not a JSON object'}")
        score = str(record.get("annotated-agenda-score", ""))
        if not score.isdigit() or record.get("split") not in ("dev", "test"):
            continue
        body = re.sub(r"(?:</br>)+", "\n", record["article-contents"])
        text = f"{record['article-title']}\n{body}"
        split = "train" if record["split"] == "dev" else "test"
        types = tuple(dict.fromkeys(str(record[k]) for k in ("weak-label-0", "weak-label-1", "weak-label-2") if record.get(k)))
        source_facts = Outlet("NewsAgendas source", "", "", "", None, False, types, ("newsagendas weak labels",)) if types else None
        out.append(LabeledArticle(Article(f"newsagendas-{record['id']}", text, {}, f"newsagendas:{record['id']}"), int(score) >= low_from,
                                  "newsagendas", split, outlet=source_facts))
    return out


def real_pages(files: list[Path], held_out: set[str]) -> list[LabeledArticle]:
    """The project's annotated real documents (``propmark import real`` output), rebuilt as articles.

    They carry no credibility judgement: those outside the marker model's ``held_out``
    (dev and test) splits are the reference pages (a hash-chosen ``fit.reference_pages`` of
    them: the scale needs hundreds, not all) (the real-page scale); the rest are measured against their outlet's
    list prior (low where it is P(low) >= 0.5) where the outlet is listed. An unlisted outlet's
    page has no judgement (``low`` None): absence from the lists is not a verdict of credibility.
    """
    units: dict[str, list[str]] = defaultdict(list)
    site: dict[str, str] = {}
    for path in files:
        if not path.is_file():
            raise DataError(f"no such file: {path} (build it with `propmark import real ../shared/data --out {path}`)")
        for number, record, problem in read_jsonl(path):
            if problem or not isinstance(record, dict) or "doc_id" not in record:
                raise DataError(f"{path}:{number}: not a rebuilt real record")
            units[record["doc_id"]].append(record["text"])
            site[record["doc_id"]] = str(record.get("outlet") or record["doc_id"])
    out = []
    limit = int(load_config("credibility")["fit"]["reference_pages"])
    reference = sorted((d for d in units if d not in held_out), key=lambda d: hashlib.sha1(d.encode()).hexdigest())[:limit]
    for doc_id, texts in units.items():
        if doc_id not in held_out and doc_id not in reference:
            continue
        article = Article(doc_id, "\n".join(texts), {"outlet": site[doc_id]}, doc_id)
        match = identify(article.meta, {})
        prior = prior_for(match.outlet if match else None)
        low = bool(prior.mean >= 0.0) if prior.listed else None
        out.append(LabeledArticle(article, low, "real", "test" if doc_id in held_out else "train", site[doc_id]))
    return out
