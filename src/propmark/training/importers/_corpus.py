"""Shared by the importers (the technique importers use ``record`` through ``_technique_spans``).

Three things every one of them does the same way, kept here once: check that a path
is the corpus it claims to be (a user mistake becomes a ``PropmarkError``, not a
traceback), read the corpus's files from either an unpacked folder or its ``.tar.xz``
archive (so nobody has to unpack 150 MB by hand), and turn a labeled piece of text
into the project's sentence records (``segment`` splits it; every unit inherits the
piece's labels, because the corpora label lines, snippets or sentences, never less).
"""

from __future__ import annotations

import fnmatch
import tarfile
from collections.abc import Iterator
from pathlib import Path

from propmark.errors import PropmarkError
from propmark.text.segment import segment


def require(path: Path, corpus: str, *expected: str) -> Path:
    """Return ``path`` if it is a folder holding every name in ``expected``, else explain."""
    path = Path(path)
    missing = [name for name in expected if not (path / name).exists()]
    if not path.is_dir() or missing:
        raise PropmarkError(
            f"{path} is not a {corpus} corpus folder: expected {', '.join(expected)} in it"
            + (f" (missing: {', '.join(missing)})" if path.is_dir() else " (not a folder)")
        )
    return path


def corpus_files(path: Path, archive: str, pattern: str) -> Iterator[tuple[str, bytes]]:
    """Yield ``(relative posix path, content)`` for files under ``path`` matching ``pattern``.

    Files already unpacked under ``path`` win; when there are none, they are read
    straight from ``path / archive`` (a ``.tar.xz``) without unpacking to disk.
    """
    found = sorted(p for p in path.rglob("*") if p.is_file() and fnmatch.fnmatch(p.relative_to(path).as_posix(), pattern))
    if found:
        for p in found:
            yield p.relative_to(path).as_posix(), p.read_bytes()
        return
    if not (path / archive).is_file():
        raise PropmarkError(f"{path}: no files matching {pattern} and no {archive} to read them from")
    try:
        with tarfile.open(path / archive, "r:*") as tar:
            for member in tar:
                if member.isfile() and fnmatch.fnmatch(member.name, pattern):
                    handle = tar.extractfile(member)
                    if handle is not None:
                        yield member.name, handle.read()
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise PropmarkError(f"cannot read {path / archive}: {exc}") from exc


def units(text: str, lang: str | None = None) -> list[str]:
    """The sentence/line units of ``text`` (in ``lang``, where the corpus says), stripped, in reading order."""
    return [s.text for s in segment(text, lang)]


def record(
    text: str,
    labels: list[str],
    *,
    doc_id: str,
    lang: str,
    split: str,
    corpus: str,
    annotated: list[str],
    use: str,
) -> dict:
    """One labeled sentence in the project's format plus the importer fields."""
    return {
        "text": text,
        "labels": labels,
        "doc_id": doc_id,
        "lang": lang,
        "split": split,
        "corpus": corpus,
        "annotated": annotated,
        "use": use,
    }
