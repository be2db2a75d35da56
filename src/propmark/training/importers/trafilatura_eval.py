"""``trafilatura-eval``: Trafilatura's extraction benchmark -> boilerplate / not boilerplate.

Why it maps cleanly: for each of 990 web pages, ``evaldata.json`` lists snippets that
MUST appear in the extracted main text ("with") and snippets that must NOT ("without":
"Impressum", share-button text, cookie and newsletter lines, related headlines, dates
standing alone). "Without" is exactly the guide's ``boilerplate``; "with" is article
content, so its sentences are "not boilerplate". The annotation speaks for
``boilerplate`` only (``annotated``), so an empty ``labels`` never means "no appeal".

Each snippet is segmented and every unit inherits the snippet's label. Records of a
page come "with" first, then "without": the benchmark gives no reading order and this
importer does not search the HTML for it. The page's other metadata (title, author,
date, comments) is left out: it says what an extractor should output, not which
sentences on the page are boilerplate.

Language: evaldata.json has none, so it is read from the page's HTML (``<html
lang="de-DE">`` or a ``content-language`` meta tag) and, where the page says nothing,
detected from the page's snippets with ``propmark.text.langid``. The HTML comes from
``html_pages.tar.xz`` in the folder, read without unpacking, or from an already
unpacked ``tests/eval`` / ``tests/cache`` tree in the folder; with neither, every
language comes from detection.

Licence Apache-2.0: ``use`` is ``train``. There are no splits: ``split`` is ``all``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from propmark.errors import PropmarkError
from propmark.training.importers._corpus import corpus_files, record, require, units
from propmark.text.langid import detect

CORPUS = "trafilatura-eval"
ANNOTATED = ["boilerplate"]
ARCHIVE = "html_pages.tar.xz"
_LANG = re.compile(
    rb"""<html\b[^>]*?\blang\s*=\s*["']?([A-Za-z]{2,3})\b"""
    rb"""|<meta\b[^>]*?http-equiv\s*=\s*["']?content-language["']?[^>]*?content\s*=\s*["']?([A-Za-z]{2,3})\b""",
    re.IGNORECASE,
)
_HEAD_BYTES = 20_000


def html_language(html: bytes) -> str | None:
    """The two-letter language an HTML page declares in its head, if any."""
    match = _LANG.search(html[:_HEAD_BYTES])
    if match is None:
        return None
    code = (match.group(1) or match.group(2)).decode("ascii").lower()
    return code if len(code) == 2 else None


def _page_languages(path: Path) -> dict[str, str]:
    """File name -> declared language, for the pages whose HTML is available and says."""
    if not (path / ARCHIVE).is_file() and not (path / "tests").is_dir():
        return {}
    languages: dict[str, str] = {}
    for name, html in corpus_files(path, ARCHIVE, "tests/*/*.html"):
        lang = html_language(html)
        if lang is not None:
            languages.setdefault(PurePosixPath(name).name, lang)
    return languages


def _load(path: Path) -> dict[str, dict]:
    try:
        data = json.loads((path / "evaldata.json").read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PropmarkError(f"cannot read {path / 'evaldata.json'}: {exc}") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) and "file" in v for v in data.values()):
        raise PropmarkError(f"{path / 'evaldata.json'} is not Trafilatura's evaldata (URL -> {{file, with, without}})")
    return data


def read(path: Path) -> Iterator[dict]:
    """Yield one record per sentence unit of every "with" / "without" snippet."""
    path = require(Path(path), CORPUS, "evaldata.json")
    pages = _load(path)
    languages = _page_languages(path)
    for page in pages.values():
        snippets = [(s, []) for s in page.get("with", [])] + [(s, ["boilerplate"]) for s in page.get("without", [])]
        lang = languages.get(page["file"]) or detect(" ".join(s for s, _ in snippets))
        doc_id = f"{CORPUS}-{Path(page['file']).stem}"
        for snippet, labels in snippets:
            for text in units(snippet, lang):
                yield record(
                    text, list(labels), doc_id=doc_id, lang=lang, split="all", corpus=CORPUS, annotated=ANNOTATED, use="train"
                )
