"""``propmark import``: an external labeled corpus -> propmark's sentence JSONL."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from propmark.cli._util import app, err, user_errors


@app.command("import")
def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="real, trafilatura-eval, turku-lines, wiki-weasel, polnear, semeval2023, ptc or ru-zen-prop."),
    path: Path = typer.Argument(..., help="The corpus folder or file (e.g. ../shared/data/ptc_semeval2020); for real: ../shared/data."),
    out_file: Path = typer.Option(..., "--out", "-o", help="Where to write the sentence JSONL."),
    labels_dir: Path = typer.Option(Path("training/real/labels"), "--labels", help="real: the project's standoff annotations."),
) -> None:
    """Turn an external labeled corpus into propmark's sentence JSONL.

    ``real`` rebuilds the project's own annotations of real pages (standoff: unit keys and
    labels) from the corpora through the text pipeline, and reports keys that no longer match.
    """
    from collections import Counter

    from propmark.errors import PropmarkError
    from propmark.io.files import write_text
    from propmark.training.importers import reader

    with user_errors():
        if not path.exists():
            raise PropmarkError(f"no such file or folder: {path}")
        if fmt == "real":
            records = _real(path, labels_dir)
        else:
            records = list(reader(fmt)(path))
        if not records:
            raise PropmarkError(f"{path} holds nothing the {fmt} importer recognises")
        write_text(out_file, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
        labels = Counter(label for r in records for label in r["labels"])
        docs = len({r.get("doc_id") for r in records})
        langs = Counter(r.get("lang", "und") for r in records)
        err.print(f"wrote {len(records)} sentences from {docs} documents to {out_file}; "
                  f"positives: {dict(labels)}; languages: {dict(langs)}; use: {records[0].get('use')}", soft_wrap=True)


def _real(data_dir: Path, labels_dir: Path) -> list[dict]:
    from propmark.errors import PropmarkError
    from propmark.training.real import read_annotations, rebuild

    if not labels_dir.is_dir():
        raise PropmarkError(f"no annotations folder {labels_dir}")
    rebuilt = rebuild(data_dir, read_annotations(labels_dir))
    err.print(f"{rebuilt.documents} annotated documents rebuilt; {len(rebuilt.missing_documents)} not found in {data_dir}; "
              f"{rebuilt.stale_keys} annotated unit keys no longer produced by the pipeline; "
              f"{rebuilt.unannotated_units} units without a decision", soft_wrap=True)
    return rebuilt.records
