"""``propmark import``: an external labeled corpus -> propmark's sentence JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from propmark.cli._util import app, err, user_errors


@app.command("import")
def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="trafilatura-eval, turku-lines, wiki-weasel, polnear, semeval2023, ptc or ru-zen-prop."),
    path: Path = typer.Argument(..., help="The corpus folder or file (e.g. ../shared/data/ptc_semeval2020)."),
    out_file: Path = typer.Option(..., "--out", "-o", help="Where to write the sentence JSONL."),
) -> None:
    """Turn an external labeled corpus into propmark's sentence JSONL."""
    from collections import Counter

    from propmark.errors import PropmarkError
    from propmark.io.files import write_text
    from propmark.training.importers import reader

    with user_errors():
        read = reader(fmt)
        if not path.exists():
            raise PropmarkError(f"no such file or folder: {path}")
        records = list(read(path))
        if not records:
            raise PropmarkError(f"{path} holds nothing the {fmt} importer recognises")
        write_text(out_file, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        labels = Counter(label for r in records for label in r["labels"])
        docs = len({r.get("doc_id") for r in records})
        langs = Counter(r.get("lang", "und") for r in records)
        err.print(f"wrote {len(records)} sentences from {docs} documents to {out_file}; "
                  f"positives: {dict(labels)}; languages: {dict(langs)}; use: {records[0].get('use')}", soft_wrap=True)
