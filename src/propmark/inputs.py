"""Read articles from files, folders and standard input, turning every bad input into a report.

Formats: ``.txt``/``.md`` (one article a file), ``.html``/``.htm`` (text blocks, see
``html_text``), ``.jsonl`` (one article a line: ``id``, ``text``, optional ``url``, ``title``,
``outlet``), ``.csv`` (same columns, header row) and ``-`` (standard input: JSONL when every
line is a JSON object, else one article). JSONL and CSV are streamed, so a multi-GB export is
read in bounded memory. A file that cannot be used becomes an ``InputProblem`` in the
stream, so one bad file never stops a batch; a path that does not exist at all is the
user's mistake and stops before any work starts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propmark.decode import BinaryContent, decode
from propmark.errors import PropmarkError
from propmark.html_text import html_to_text

TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
RECORD_SUFFIXES = (".jsonl", ".csv")
SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + RECORD_SUFFIXES
META_FIELDS = ("url", "title", "outlet")
STDIN = Path("-")


@dataclass
class Article:
    id: str
    text: str
    meta: dict = field(default_factory=dict)
    source: str = ""  # unique per article: the path, or path:line for records; the resume key


@dataclass
class InputProblem:
    source: str
    reason: str


@dataclass
class InputOptions:
    max_file_bytes: int = 50 * 1024 * 1024
    max_article_chars: int = 1_000_000
    html_main_only: bool = False


def display(path: Path | str) -> str:
    """A printable, JSON-safe and still unique name for paths whose bytes are not UTF-8."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inode(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def discover(root: Path, exclude: frozenset[tuple[int, int]] = frozenset()) -> Iterator[Path | InputProblem]:
    """Supported files under ``root`` in sorted order, following symlinks but never in a loop.

    ``exclude`` holds the (device, inode) of files this run writes, so output placed inside
    an input folder is never read back as input.
    """
    if not root.is_dir():
        yield root
        return
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                yield InputProblem(display(folder), "symlink loop (folder already visited)")
                continue
            seen.add((info.st_dev, info.st_ino))
            entries = sorted(os.scandir(folder), key=lambda e: os.fsencode(e.name))
        except OSError as exc:
            yield InputProblem(display(folder), f"unreadable folder ({exc.strerror})")
            continue
        subfolders = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError as exc:
                yield InputProblem(display(path), f"unreadable ({exc.strerror})")
                continue
            if is_dir:
                subfolders.append(path)
            elif is_file and entry.name.lower().endswith(SUFFIXES) and _inode(path) not in exclude:
                yield path
            elif not is_file and not is_dir and entry.is_symlink():
                yield InputProblem(display(path), "broken symlink")
        stack.extend(reversed(subfolders))


def _record(record: object, where: str, options: InputOptions) -> Article | InputProblem:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return InputProblem(where, "needs a string 'text'")
    if not record["text"].strip():
        return InputProblem(where, "empty text")
    if len(record["text"]) > options.max_article_chars:
        return InputProblem(where, f"article longer than {options.max_article_chars} characters")
    meta = {k: record[k] for k in META_FIELDS if record.get(k) not in (None, "")}
    return Article(str(record.get("id") or where), record["text"], meta, where)


def _text_stream(handle: io.BufferedReader) -> io.TextIOWrapper:
    """Wrap a binary stream as text in the encoding detected from its first 64 KB."""
    head = handle.peek(65536)[:65536]
    # cut at a line end (or drop a few bytes) so a multi-byte character is never split
    head = head.rsplit(b"\n", 1)[0] if b"\n" in head else head[: max(0, len(head) - 4)] if len(head) == 65536 else head
    _, encoding = decode(head)
    return io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")


def _jsonl(handle: io.TextIOWrapper, name: str, options: InputOptions) -> Iterator[Article | InputProblem]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(where, f"broken JSON ({exc.msg})")
            continue
        yield _record(record, where, options)


def _csv(handle: io.TextIOWrapper, name: str, options: InputOptions) -> Iterator[Article | InputProblem]:
    csv.field_size_limit(max(options.max_article_chars * 4, 131072))
    reader = csv.DictReader(handle)
    if not reader.fieldnames or "text" not in reader.fieldnames:
        yield InputProblem(name, "CSV needs a header row with a 'text' column")
        return
    try:
        for record in reader:
            yield _record(record, f"{name}:{reader.line_num}", options)
    except csv.Error as exc:
        yield InputProblem(f"{name}:{reader.line_num}", f"broken CSV ({exc})")


def _read_file(path: Path, options: InputOptions) -> Iterator[Article | InputProblem]:
    name = display(path)
    suffix = path.suffix.lower()
    try:
        size = path.stat().st_size
        if suffix in RECORD_SUFFIXES:
            with open(path, "rb", buffering=65536) as raw:
                yield from (_jsonl if suffix == ".jsonl" else _csv)(_text_stream(raw), name, options)
            return
        if size > options.max_file_bytes:
            yield InputProblem(name, f"file of {size / 1e6:.0f} MB is over the limit of {options.max_file_bytes / 1e6:.0f} MB (--max-file-mb)")
            return
        text, encoding = decode(path.read_bytes())
    except BinaryContent as exc:
        yield InputProblem(name, str(exc))
        return
    except OSError as exc:
        yield InputProblem(name, f"unreadable ({exc.strerror or exc})")
        return
    if suffix in HTML_SUFFIXES:
        text = html_to_text(text, options.html_main_only)
    if not text.strip():
        yield InputProblem(name, "empty file" if size == 0 or suffix not in HTML_SUFFIXES else "no text in the page")
    elif len(text) > options.max_article_chars:
        yield InputProblem(name, f"article longer than {options.max_article_chars} characters")
    else:
        yield Article(name, text, {"path": name, "encoding": encoding}, name)


def _read_stdin(options: InputOptions) -> Iterator[Article | InputProblem]:
    data = sys.stdin.buffer.read()
    try:
        text, encoding = decode(data)
    except BinaryContent as exc:
        yield InputProblem("-", str(exc))
        return
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        yield from _jsonl(io.StringIO(text), "-", options)
    elif lines:
        yield Article("-", text, {"encoding": encoding}, "-")
    else:
        yield InputProblem("-", "empty input")


def check_paths(paths: Sequence[Path]) -> None:
    missing = [display(p) for p in paths if p != STDIN and not os.path.lexists(p)]
    if missing:
        raise PropmarkError(f"no such file or folder: {', '.join(missing)}")


def iter_articles(
    paths: Sequence[Path], options: InputOptions | None = None, exclude: Sequence[Path] = ()
) -> Iterator[Article | InputProblem]:
    """Articles (or problems) from every supported input under ``paths``, in a stable order."""
    options = options or InputOptions()
    check_paths(paths)
    skip = frozenset(i for i in map(_inode, exclude) if i is not None)
    for root in paths:
        if root == STDIN:
            yield from _read_stdin(options)
            continue
        for item in discover(root, skip):
            if isinstance(item, InputProblem):
                yield item
            else:
                yield from _read_file(item, options)
