"""Read articles from files, folders and standard input, turning every bad input into a listed reason.

Formats: ``.txt``/``.md`` (one article a file), ``.html``/``.htm`` (text blocks with their
layout, see ``propmark.text.html``), ``.jsonl`` (one article a line: ``id``, ``text``,
optional ``url``, ``title``, ``outlet``), ``.csv`` (same columns, header row) and ``-``
(standard input: JSONL when every line is a JSON object, else one article). JSONL and CSV
are streamed, so a multi-GB export is read in bounded memory. A file or record that cannot
be used becomes an ``InputProblem`` in the stream, so one bad input never stops a batch; a
path that does not exist at all is the user's mistake and stops before any work starts.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.text.decode import BinaryContent, decode, declared_charset
from propmark.text.html import Block, parse

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
    blocks: tuple[Block, ...] = ()  # HTML inputs: the layout of each line of ``text``


@dataclass
class InputProblem:
    source: str
    reason: str


@dataclass
class InputOptions:
    max_file_bytes: int = 50 * 1024 * 1024
    max_article_chars: int = 1_000_000
    html_main_only: bool = False
    meta: dict[str, dict] = field(default_factory=dict)  # absolute file path -> url/title/outlet (read_meta)


def read_meta(path: Path) -> dict[str, dict]:
    """A sidecar CSV that gives ``.txt``/``.html`` files what they cannot say themselves: their url, title, outlet.

    Columns ``path`` (relative to the CSV's folder, or absolute) and any of url, title,
    outlet. A path that does not exist is a mistake in the file, named before any work starts.
    """
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise PropmarkError(f"{path}: not a readable CSV ({exc})") from None
    if not rows or "path" not in rows[0]:
        raise PropmarkError(f"{path}: a metadata CSV needs a header with `path` and any of {', '.join(META_FIELDS)}")
    meta, missing = {}, []
    for row in rows:
        target = (path.parent / row["path"]).resolve() if not os.path.isabs(row["path"]) else Path(row["path"])
        if not target.is_file():
            missing.append(row["path"])
        meta[str(target)] = {k: row[k].strip() for k in META_FIELDS if (row.get(k) or "").strip()}
    if missing:
        raise PropmarkError(f"{path}: no such file for {len(missing)} row(s), e.g. {', '.join(missing[:3])}")
    return meta


def display(path: Path | str) -> str:
    """A printable, JSON-safe name that stays unique (it is the resume key).

    A UTF-8 name without backslashes is itself; any other has its backslashes doubled and
    each byte that is not UTF-8 written ``\\xNN``, so ``x<0xff>.txt`` and a file literally
    named ``x\\xff.txt`` never share a name.
    """
    raw = os.fsencode(path)
    try:
        text = raw.decode("utf-8")
        if "\\" not in text:
            return text
    except UnicodeDecodeError:
        pass
    return raw.replace(b"\\", b"\\\\").decode("utf-8", "backslashreplace")


def clean(text: str) -> tuple[str, int]:
    """Text safe to store and encode: lone surrogates and NULs replaced; returns how many."""
    try:
        text.encode("utf-8")
        bad = 0
    except UnicodeEncodeError:
        fixed = text.encode("utf-8", "replace").decode("utf-8")
        bad = sum(1 for a, b in zip(text, fixed) if a != b)
        text = fixed
    nuls = text.count("\x00")
    return (text.replace("\x00", "") if nuls else text), bad + nuls


def inode(path: Path) -> tuple[int, int] | None:
    """(device, inode): what identifies a file whatever path or link names it."""
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def discover(root: Path, exclude: frozenset[tuple[int, int]] = frozenset(),
             exclude_paths: frozenset[str] = frozenset()) -> Iterator[Path | InputProblem]:
    """Supported files under ``root`` in sorted order, following symlinks but never in a loop.

    ``exclude`` holds the (device, inode) of files this run writes and ``exclude_paths`` their
    absolute paths (a file the run creates later, such as its errors list, has no inode yet),
    so output placed inside an input folder is never read back as input. Anything that is not a regular file
    (a FIFO, a socket, a device) is listed, never opened: reading one could hang the run.
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
                mode = entry.stat().st_mode if not (is_dir or is_file) and not entry.is_symlink() else None
            except OSError as exc:
                yield InputProblem(display(path), f"unreadable ({exc.strerror})")
                continue
            if is_dir:
                subfolders.append(path)
            elif is_file and entry.name.lower().endswith(SUFFIXES) and inode(path) not in exclude \
                    and os.path.abspath(path) not in exclude_paths:
                yield path
            elif not is_file and not is_dir and entry.is_symlink():
                yield InputProblem(display(path), "broken symlink")
            elif mode is not None and entry.name.lower().endswith(SUFFIXES):
                yield InputProblem(display(path), f"not a regular file ({_kind(mode)})")
        stack.extend(reversed(subfolders))


def _kind(mode: int) -> str:
    return "FIFO" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"


def article_from_record(record: object, where: str, options: InputOptions) -> Article | InputProblem:
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return InputProblem(where, "needs a string 'text'")
    text, repaired = clean(record["text"])
    if not text.strip():
        return InputProblem(where, "empty text")
    if len(text) > options.max_article_chars:
        return InputProblem(where, f"article longer than {options.max_article_chars} characters")
    meta = {}
    for key in META_FIELDS:
        value = record.get(key)
        if value not in (None, ""):
            meta[key] = clean(value)[0] if isinstance(value, str) else clean(json.dumps(value, ensure_ascii=False))[0]
    if repaired:
        meta["text_repaired"] = repaired
    article_id = record.get("id")
    article_id = where if article_id in (None, "") else clean(str(article_id))[0]
    return Article(article_id, text, meta, where)


def text_stream(handle: io.BufferedReader) -> io.TextIOWrapper:
    """Wrap a binary stream as text in the encoding detected from its first 64 KB (BOM dropped)."""
    head = handle.peek(65536)[:65536]
    # cut at a line end (or drop a few bytes) so a multi-byte character is never split
    head = head.rsplit(b"\n", 1)[0] if b"\n" in head else head[: max(0, len(head) - 4)] if len(head) == 65536 else head
    decoded = decode(head)
    encoding = {"utf-8": "utf-8-sig", "utf-16-le": "utf-16", "utf-16-be": "utf-16"}.get(decoded.encoding, decoded.encoding)
    return io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="")


def jsonl_articles(handle: io.TextIOWrapper, name: str, options: InputOptions, first_line: int = 1) -> Iterator[Article | InputProblem]:
    for number, line in enumerate(handle, first_line):
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield InputProblem(where, f"broken JSON ({exc.msg})")
            continue
        yield article_from_record(record, where, options)


def csv_articles(handle: io.TextIOWrapper, name: str, options: InputOptions) -> Iterator[Article | InputProblem]:
    """Rows with a reason each: extra fields and a quote left open are listed, never silently dropped."""
    csv.field_size_limit(max(options.max_article_chars * 4, 131072))
    reader = csv.reader(handle, strict=True)
    try:
        header = next(reader)
    except StopIteration:
        yield InputProblem(name, "empty CSV")
        return
    except csv.Error as exc:
        yield InputProblem(name, f"broken CSV header ({exc})")
        return
    header = [h.strip().lstrip("\ufeff") for h in header]
    if "text" not in header:
        yield InputProblem(name, "CSV needs a header row with a 'text' column")
        return
    start = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield InputProblem(f"{name}:{start + 1}", f"broken CSV row ({exc}); the rest of the file was not read")
            return
        where = f"{name}:{start + 1}"
        start = reader.line_num
        if not row:
            continue
        if len(row) > len(header):
            yield InputProblem(where, f"{len(row)} fields for {len(header)} columns (an unquoted comma or a quote left open?)")
            continue
        yield article_from_record(dict(zip(header, row)), where, options)


def article_from_bytes(name: str, data: bytes, html: bool, options: InputOptions, meta: dict | None = None) -> Article | InputProblem:
    """One page or text file's bytes -> an Article (decoded, HTML blocks with layout), or the reason it is none."""
    try:
        decoded = decode(data, declared_charset(data) if html else None)
    except BinaryContent as exc:
        return InputProblem(name, str(exc))
    meta = {**(meta or {}), **decoded.meta()}
    blocks: tuple[Block, ...] = ()
    text = decoded.text
    if html:
        page = parse(text, options.html_main_only)
        text, blocks = page.text, page.blocks
        if page.title:
            meta["title"] = page.title
    if not text.strip():
        return InputProblem(name, "empty file" if not data.strip() or not html else "no text in the page")
    if len(text) > options.max_article_chars:
        return InputProblem(name, f"article longer than {options.max_article_chars} characters")
    return Article(name, text, meta, name, blocks)


def _read_file(path: Path, options: InputOptions) -> Iterator[Article | InputProblem]:
    name = display(path)
    suffix = path.suffix.lower()
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            yield InputProblem(name, f"not a regular file ({_kind(info.st_mode)})")
            return
        if suffix in RECORD_SUFFIXES:
            with open(path, "rb", buffering=65536) as raw:
                yield from (jsonl_articles if suffix == ".jsonl" else csv_articles)(text_stream(raw), name, options)
            return
        if info.st_size > options.max_file_bytes:
            yield InputProblem(name, f"file of {info.st_size / 2**20:.0f} MB is over the limit of {options.max_file_bytes / 2**20:.0f} MB (--max-file-mb)")
            return
        data = path.read_bytes()
    except OSError as exc:
        yield InputProblem(name, f"unreadable ({exc.strerror or exc})")
        return
    yield article_from_bytes(name, data, suffix in HTML_SUFFIXES, options, {"path": name, **options.meta.get(str(path.resolve()), {})})


def _read_stdin(options: InputOptions) -> Iterator[Article | InputProblem]:
    stream = getattr(sys.stdin, "buffer", None)
    try:
        data = stream.read() if stream is not None else b""
    except (OSError, ValueError) as exc:
        yield InputProblem("-", f"standard input could not be read ({exc})")
        return
    try:
        decoded = decode(data)
    except BinaryContent as exc:
        yield InputProblem("-", str(exc))
        return
    text = decoded.text
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        yield from jsonl_articles(io.StringIO(text), "-", options)
    elif lines:
        yield Article("-", text, decoded.meta(), "-")
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
    skip = frozenset(i for i in map(inode, exclude) if i is not None)
    skip_paths = frozenset(os.path.abspath(p) for p in exclude)
    for root in paths:
        if root == STDIN:
            yield from _read_stdin(options)
            continue
        for item in discover(root, skip, skip_paths):
            if isinstance(item, InputProblem):
                yield item
            else:
                yield from _read_file(item, options)
