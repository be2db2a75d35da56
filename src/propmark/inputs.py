"""Read articles from files and folders: ``.txt``/``.md`` (one article a file) and ``.jsonl``
(one article a line with ``id`` and ``text``).

A file that cannot be read becomes an ``InputProblem`` in the stream instead of an
exception, so one bad file never stops a batch; a path that does not exist at all is
the user's mistake and stops before any work starts.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propmark.errors import PropmarkError

SUFFIXES = (".txt", ".md", ".jsonl")


@dataclass
class Article:
    id: str
    text: str
    meta: dict = field(default_factory=dict)


@dataclass
class InputProblem:
    source: str
    reason: str


def _files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for folder, dirs, files in os.walk(root):
        dirs.sort()
        for name in sorted(files):
            if name.lower().endswith(SUFFIXES):
                yield Path(folder) / name


def _read_text(path: Path) -> str:
    return path.read_bytes().decode("utf-8-sig")


def _jsonl_articles(path: Path) -> Iterator[Article | InputProblem]:
    for number, line in enumerate(_read_text(path).splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(where, f"broken JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield InputProblem(where, "each line needs a string 'text'")
            continue
        meta = {k: v for k, v in record.items() if k not in ("id", "text")}
        yield Article(str(record.get("id") or where), record["text"], meta)


def iter_articles(paths: Sequence[Path]) -> Iterator[Article | InputProblem]:
    """Articles (or problems) from every supported file under ``paths``, in a stable order."""
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise PropmarkError(f"no such file or folder: {', '.join(missing)}")
    for root in paths:
        for path in _files(root):
            try:
                if path.suffix.lower() == ".jsonl":
                    yield from _jsonl_articles(path)
                    continue
                text = _read_text(path)
            except UnicodeDecodeError as exc:
                yield InputProblem(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")
                continue
            except OSError as exc:
                yield InputProblem(str(path), f"unreadable ({exc.strerror})")
                continue
            if not text.strip():
                yield InputProblem(str(path), "empty file")
                continue
            yield Article(str(path), text, {"path": str(path)})
