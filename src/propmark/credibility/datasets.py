"""Article-level credibility labels: the project's own judgements and the NewsAgendas corpus.

Both become ``LabeledArticle``s: an ``Article`` to score plus whether an annotator judged it
low-credibility, and which split it belongs to, so the credibility model never sees the
articles it is measured on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from propmark.config import label_names, load_config
from propmark.training.corpus import load_documents
from propmark.errors import DataError
from propmark.io.files import read_jsonl
from propmark.io.readers import Article


@dataclass
class LabeledArticle:
    article: Article
    low: bool
    corpus: str  # "own" or "newsagendas"
    split: str  # "train" or "test"


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
        out.append(LabeledArticle(article, judged[doc.doc_id] == low_label, "own", "test" if doc.doc_id in test_ids else "train"))
    if not out:
        raise DataError(f"none of the documents in {', '.join(map(str, corpus))} has a judgement in {labels_file}")
    return out


def newsagendas(path: Path) -> list[LabeledArticle]:
    """NewsAgendas (Subbiah et al. 2023, MIT): agenda score 1-5, its dev split trains, its test split tests.

    Articles without a score (split "full") are skipped. Paragraphs are ``</br></br>``-joined
    in the source; they become line breaks so segmentation sees them.
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
        out.append(LabeledArticle(Article(f"newsagendas-{record['id']}", text, {}, f"newsagendas:{record['id']}"), int(score) >= low_from, "newsagendas", split))
    return out
