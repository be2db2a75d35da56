"""``turku-lines``: TurkuNLP's line-level text-quality annotations -> boilerplate.

The corpus (Laippala et al., W-NUT 2022) is OSCAR web text after automatic boilerplate
removal, each line marked by hand ``"1"`` clean or ``"0"`` noise, in ``<lang>/<split>.json``
(de en es fi fr sv; train/dev/test where present). The released files carry only this
binary label, not the finer noise classes of the annotation work, so the choice is all
or nothing: every noise line counts as ``boilerplate``. That matches the guide well:
what the annotators marked noise is what an extractor left behind (menu and category
words, forum headers such as "Joined: ..." / "Posts: ...", "Back to top", share and
login lines, dates and bylines standing alone, lists of other titles). It also holds
some things the guide would not call boilerplate (broken or cut-off text); that noise is
accepted and is why the corpus only speaks for ``boilerplate`` (``annotated``).

Each line is segmented and every unit inherits the line's label; documents are numbered
by their position in their file. Licence CC BY(-SA): ``use`` is ``train``. The
importer reads the unpacked corpus folder (the corpus ships as plain JSON).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.training.importers._corpus import record, units

CORPUS = "turku-lines"
ANNOTATED = ["boilerplate"]
SPLITS = ("train", "dev", "test")
_NOISE = "0"
_CLEAN = "1"


def _files(path: Path) -> list[tuple[str, str, Path]]:
    """(lang, split, file) for every ``<lang>/<split>.json`` under ``path``."""
    if not path.is_dir():
        raise PropmarkError(f"{path} is not a {CORPUS} corpus folder (not a folder)")
    found = [
        (lang_dir.name, split, lang_dir / f"{split}.json")
        for lang_dir in sorted(p for p in path.iterdir() if p.is_dir() and len(p.name) == 2)
        for split in SPLITS
        if (lang_dir / f"{split}.json").is_file()
    ]
    if not found:
        raise PropmarkError(f"{path} is not a {CORPUS} corpus folder: expected <lang>/<train|dev|test>.json files")
    return found


def _documents(file: Path) -> list[dict]:
    try:
        docs = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise PropmarkError(f"cannot read {file}: {exc}") from exc
    ok = isinstance(docs, list) and all(
        isinstance(d, dict)
        and isinstance(d.get("text"), list)
        and isinstance(d.get("labels"), list)
        and len(d["text"]) == len(d["labels"])
        and set(d["labels"]) <= {_NOISE, _CLEAN}
        for d in docs
    )
    if not ok:
        raise PropmarkError(f"{file} is not a Turku text-quality file (a list of {{text: [lines], labels: ['0'|'1']}})")
    return docs


def read(path: Path) -> Iterator[dict]:
    """Yield one record per unit of every line, noise lines labeled ``boilerplate``."""
    for lang, split, file in _files(Path(path)):
        for index, doc in enumerate(_documents(file), start=1):
            doc_id = f"{CORPUS}-{lang}-{split}-{index:04d}"
            for line, flag in zip(doc["text"], doc["labels"]):
                labels = ["boilerplate"] if flag == _NOISE else []
                for text in units(line, lang):
                    yield record(
                        text, list(labels), doc_id=doc_id, lang=lang, split=split, corpus=CORPUS, annotated=ANNOTATED, use="train"
                    )
