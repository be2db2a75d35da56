"""Append-only JSONL journals: results and input problems, written as they happen.

Each record is one ``os.write`` of a whole line on an unbuffered file, so a killed
process leaves complete lines plus at most one torn tail, which ``--resume`` cuts off
before continuing. The ``source`` of each record is its resume key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from propmark.errors import PropmarkError


def _repair(path: Path) -> set[str]:
    """Cut a torn last line off ``path`` and return the sources already recorded."""
    data = path.read_bytes()
    keep = data.rfind(b"\n") + 1
    done: set[str] = set()
    offset = 0
    for line in data[:keep].splitlines(keepends=True):
        try:
            done.add(json.loads(line)["source"])
        except (json.JSONDecodeError, KeyError, TypeError, UnicodeDecodeError):
            keep = offset  # a damaged line: drop it and everything after it
            break
        offset += len(line)
    if keep != len(data):
        with open(path, "r+b") as handle:
            handle.truncate(keep)
    return done


class Journal:
    """A journal at ``path``; ``path=None`` only tracks what was written (scoring without --out)."""

    def __init__(self, path: Path | None, resume: bool = False, force: bool = False, fsync_every: int = 64) -> None:
        self.path = path
        self.done: set[str] = set()
        self._fd: int | None = None
        if path is None:
            return
        if path.exists() and path.stat().st_size and not (resume or force):
            raise PropmarkError(f"{path} already exists: add --resume to continue that run or --force to start over")
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self.done = _repair(path)
        flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if resume else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o666)
        self._fsync_every = fsync_every
        self._pending = 0

    def write(self, record: dict) -> None:
        self.done.add(record["source"])
        if self._fd is None:
            return
        os.write(self._fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))
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
