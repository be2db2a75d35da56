"""Append-only JSONL journals: results and input problems, written as they happen.

Each record is one complete line written with ``os.write`` (looping over short writes) on
an unbuffered file, so a killed process leaves complete lines plus at most one torn tail.
``--resume`` streams the journal (bounded memory), cuts a torn tail, and drops a damaged
line anywhere else with a warning, so its article is recomputed rather than silently lost
(along with everything after it, as before). The ``source`` of each record is its resume key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.io.files import atomic_file, read_jsonl
from propmark.result import Result


def _source(line: bytes) -> str | None:
    try:
        record = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None
    source = record.get("source") if isinstance(record, dict) else None
    return source if isinstance(source, str) else None


def is_journal(path: Path) -> bool:
    """Whether ``path`` holds propmark records (its first line names a ``source``), or nothing."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline()
    except OSError:
        return False
    return not first.strip() or _source(first) is not None


def check_target(path: Path, resume: bool, force: bool) -> bool:
    """Refuse to touch a file that propmark did not write, or to replace a journal unasked; True if one exists."""
    exists = path.exists() and path.stat().st_size > 0
    if exists and not (resume or force):
        raise PropmarkError(f"{path} already exists: add --resume to continue that run or --force to start over")
    if exists and not is_journal(path):
        raise PropmarkError(f"{path} is not a propmark results file; refusing to {'append to' if resume else 'replace'} it")
    return exists


def _repair(path: Path, warn: Callable[[str], None]) -> set[str]:
    """Sources already recorded; torn tail cut, damaged lines dropped (and their articles redone)."""
    done: set[str] = set()
    damaged: list[int] = []
    keep = 0
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, 1):
            if not line.endswith(b"\n"):
                break  # a torn tail: the run died while writing it
            source = _source(line)
            if source is not None:
                done.add(source)
            elif line.strip():
                damaged.append(number)
            keep += len(line)
    if damaged:
        drop = set(damaged)
        with open(path, "rb") as src, atomic_file(path, "wb") as dst:
            for number, line in enumerate(src, 1):
                if not line.endswith(b"\n"):
                    break
                if number not in drop:
                    dst.write(line)
        warn(f"{path}: dropped {len(damaged)} damaged line(s) ({', '.join(map(str, damaged[:10]))}"
             f"{'…' if len(damaged) > 10 else ''}); their articles are scored again")
    elif keep != path.stat().st_size:
        with open(path, "r+b") as handle:
            handle.truncate(keep)
    return done


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class Journal:
    """A journal at ``path``; ``path=None`` only tracks what was written (scoring without --out)."""

    def __init__(self, path: Path | None, resume: bool = False, force: bool = False, fsync_every: int = 64,
                 warn: Callable[[str], None] = lambda _: None, lazy: bool = False) -> None:
        """``lazy`` creates the file only with its first record (an errors list is left only when there are errors)."""
        self.path = path
        self.done: set[str] = set()
        self._fd: int | None = None
        self._fsync_every = fsync_every
        self._pending = 0
        if path is None:
            return
        exists = check_target(path, resume, force)
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and exists:
            self.done = _repair(path, warn)
        self._flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC)
        if not lazy or exists:
            self._open()

    def _open(self) -> None:
        try:
            self._fd = os.open(self.path, self._flags, 0o666)
        except OSError as exc:
            raise PropmarkError(f"cannot write {self.path}: {exc.strerror}") from None

    def write(self, record: dict) -> None:
        self.done.add(record["source"])
        if self.path is None:
            return
        if self._fd is None:
            self._open()
        try:
            _write_all(self._fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
        except OSError as exc:
            raise PropmarkError(f"cannot write {self.path}: {exc.strerror}; what was written is kept, "
                                "rerun with --resume once the problem is fixed") from None
        self._pending += 1
        if self._pending >= self._fsync_every:
            self.sync()

    def sync(self) -> None:
        if self._fd is not None:
            os.fsync(self._fd)
        self._pending = 0

    def close(self) -> None:
        if self._fd is not None:
            self.sync()
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> "Journal":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def read_results(path: Path) -> Iterator[Result]:
    """The results in a journal, checked line by line (a line that is not a result is one clear error)."""
    if not path.is_file():
        raise PropmarkError(f"no such results file: {path}")
    for number, record, problem in read_jsonl(path):
        if problem:
            raise PropmarkError(f"{path}:{number}: {problem}; not a propmark results file")
        try:
            yield Result.from_dict(record)
        except ValueError as exc:
            raise PropmarkError(f"{path}:{number}: {exc} (make one with `propmark score --out RESULTS.jsonl`)") from None
