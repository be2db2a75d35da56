"""``propmark import``: an external labeled corpus -> propmark's sentence JSONL."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import app, err, user_errors


@app.command("import")
def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="real, outlets, trafilatura-eval, turku-lines, wiki-weasel, polnear, semeval2023, ptc or ru-zen-prop."),
    path: Path = typer.Argument(..., help="The corpus folder or file (e.g. ../shared/data/ptc_semeval2020); for real: ../shared/data; for outlets: ../shared/data/source_lists."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write the sentence JSONL (outlets: the outlet table, default $PROPMARK_CACHE/outlet_lists.jsonl, where propmark looks)."),
    labels_dir: Path = typer.Option(Path("training/real/labels"), "--labels", help="real: the project's standoff annotations."),
) -> None:
    """Turn an external labeled corpus into propmark's sentence JSONL.

    ``real`` rebuilds the project's own annotations of real pages (standoff: unit keys and
    labels) from the corpora through the text pipeline, and reports keys that no longer match.
    ``outlets`` builds the outlet table from the open lists (ASD state-media profiles,
    FakeNewsCorpus websites) that outlet facts and priors come from.
    """
    from collections import Counter

    from propmark.errors import PropmarkError
    from propmark.io.files import write_text
    from propmark.training.importers import reader

    with user_errors():
        if not path.exists():
            raise PropmarkError(f"no such file or folder: {path}")
        if fmt == "outlets":
            _outlets(path, out_file)
            return
        if out_file is None:
            raise PropmarkError(f"{fmt}: give --out FILE.jsonl")
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


def _outlets(source_lists: Path, out_file: Path | None) -> None:
    from propmark.credibility import lists
    from propmark.credibility.outlets import registry
    from propmark.io.files import write_text

    table = lists.build(source_lists)
    target = out_file or lists.default_table()
    target.parent.mkdir(parents=True, exist_ok=True)
    write_text(target, lists.to_jsonl(table))
    lists.load.cache_clear()
    registry.cache_clear()
    asd = sum(1 for o in table if o.asd_type)
    fnc = sum(1 for o in table if o.fnc_types)
    err.print(f"wrote {len(table)} outlet keys to {target}: {asd} from ASD, {fnc} from FakeNewsCorpus, "
              f"{sum(1 for o in table if o.asd_type and o.fnc_types)} in both", soft_wrap=True)
    unlisted = _uncited_domains({o.key for o in table if o.asd_type})
    if unlisted:
        err.print(f"[yellow]defaults/outlets.yaml cites asd for {len(unlisted)} domain(s) the ASD file does not hold: "
                  f"{', '.join(unlisted)} (move them to other_domains)[/]", soft_wrap=True)
    if out_file is not None and out_file != lists.default_table():
        err.print(f"propmark reads the table from {lists.default_table()}: copy it there to use it", soft_wrap=True)


def _uncited_domains(asd_keys: set[str]) -> list[str]:
    """Hand-checked domains whose entry cites ASD but whose outlet key ASD does not list: a provenance error."""
    from propmark.config import load_config
    from propmark.credibility.domains import outlet_key

    return sorted(d for entry in load_config("outlets")["outlets"] if "asd" in entry["sources"]
                  for d in entry["domains"] if outlet_key(d) not in asd_keys)


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
