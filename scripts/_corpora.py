"""Readers the measurement scripts share: the UD documents and the common command-line options.

The corpora stay in ``../shared/data`` and are read where they lie; nothing is copied.
"""

from __future__ import annotations

import argparse
import json
import lzma
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def ud_documents(data: Path) -> Iterator[tuple[str, Path, dict]]:
    """``(subset, file, document)`` for ud_news_docs: subset "" for the permissive treebanks, "nc" for eval_only_nc/."""
    root = data / "ud_news_docs"
    for subset, paths in (("", root.glob("*.jsonl.xz")), ("nc", (root / "eval_only_nc").glob("*.jsonl.xz"))):
        for path in sorted(paths):
            with lzma.open(path, "rt", encoding="utf-8") as lines:
                for line in lines:
                    yield subset, path, json.loads(line)


def common_options(doc: str, corpus: bool = False) -> argparse.ArgumentParser:
    """--data (the shared corpora), --json, and with ``corpus`` --corpus (the project's own articles)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data", help="the shared corpora (default ../shared/data, read only)")
    if corpus:
        parser.add_argument("--corpus", type=Path, default=REPO / "training" / "corpus", help="the project's own articles (default training/corpus)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")
    return parser
