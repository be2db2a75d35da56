"""``propmark score``: batch scoring with progress, a summary, and an optional report (over ``propmark.batch``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, PrecisionOpt, app, err, out, user_errors, warn


@app.command()
def score(
    paths: list[str] = typer.Argument(..., help="Files or folders (.txt .md .html .htm .jsonl .csv), or - for standard input; with --engine ray also .parquet and URIs (s3://...)."),
    out_file: Optional[str] = typer.Option(None, "--out", "-o", help="Write one result per article here, as it goes (--engine ray: a folder or URI)."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl, csv or parquet (default: from the --out suffix, else jsonl)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run of the same model on the same inputs."),
    force: bool = typer.Option(False, "--force", help="Replace an existing results file that propmark wrote."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Where to list inputs that could not be scored (default: OUT.errors.jsonl)."),
    main_only: Optional[bool] = typer.Option(None, "--main-only/--all-blocks", help="HTML: keep only the main text (trafilatura) instead of every text block."),
    max_file_mb: Optional[float] = typer.Option(None, min=0.001, help="Skip .txt/.md/.html files larger than this."),
    engine: str = typer.Option("local", "--engine", help="local (this process) or ray (a Ray cluster: --out is a folder of blocks; pip install \"propmark[ray]\")."),
    address: Optional[str] = typer.Option(None, "--address", help="--engine ray: 'auto' joins a running cluster, 'ray://host:10001' a remote one; default a local instance."),
    shard: Optional[str] = typer.Option(None, "--shard", help="K/N: score only this process's share of the inputs (groups K, K+N, ...); `propmark merge` joins the N results."),
    meta: Optional[Path] = typer.Option(None, "--meta", help="A CSV (path, url, outlet, title) giving .txt/.html files their url and outlet."),
    report_dir: Optional[Path] = typer.Option(None, "--report", help="Also write an HTML report of the results into this folder (needs --out .jsonl)."),
    config: Optional[Path] = typer.Option(None, help="A YAML file layered over the packaged batch settings (defaults/batch.yaml)."),
    model: Optional[Path] = ModelOpt,
    precision: Optional[str] = PrecisionOpt,
) -> None:
    """Label every sentence of every article; write results as they are made."""
    from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TaskProgressColumn, TextColumn, TimeElapsedColumn

    from propmark.batch import score_paths
    from propmark.cli.console import batch_summary, summary_table
    from propmark.errors import PropmarkError
    from propmark.io.export import format_for
    from propmark.report import check_target

    with user_errors():
        if engine == "ray":
            _ray(paths, out_file, fmt, resume, model, address, precision, err)
            return
        paths = [Path(p) for p in paths]
        out_file = Path(out_file) if out_file else None
        if engine != "local":
            raise PropmarkError(f"--engine is local or ray, not {engine!r}")
        if report_dir is not None:
            if out_file is None or format_for(out_file, fmt) != "jsonl":
                raise PropmarkError("--report is made from the results file: give --out RESULTS.jsonl")
            check_target(report_dir, [Path(p) for p in paths])
        with Progress(SpinnerColumn(), TextColumn("scoring articles"), MofNCompleteColumn(), TimeElapsedColumn(),
                      TaskProgressColumn(show_speed=True), console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=None)
            summary = score_paths(paths, out_file, fmt=fmt, resume=resume, force=force, errors=errors_file, model=model,
                                  config=config, main_only=main_only, max_file_mb=max_file_mb, precision=precision, meta=meta, shard=shard,
                                  on_article=lambda n: progress.advance(task, n), warn=warn)
        labels = list(summary.markers)
        if summary.scored + summary.resumed <= 50 and summary.samples:
            out.print(summary_table(summary.samples, labels))
        err.print(batch_summary(summary), soft_wrap=True)
        if report_dir is not None and summary.scored + summary.resumed:
            from propmark.cli.report import write

            write(out_file, report_dir, model)
        if summary.problems:
            raise typer.Exit(1)


def _ray(paths, out_dir, fmt, resume, model, address, precision, err) -> None:
    from propmark.errors import PropmarkError
    from propmark.raydata import score_ray

    if out_dir is None:
        raise PropmarkError("--engine ray writes a folder of blocks: give --out FOLDER (a path or a URI)")
    summary = score_ray(list(paths), str(out_dir), model=str(model) if model else None, fmt=fmt or "parquet",
                        resume=resume, address=address, precision=precision)
    err.print(f"{summary.blocks} blocks ({summary.skipped} already done): {summary.results} results, "
              f"{summary.problems} input problems, in {summary.out}", soft_wrap=True)


@app.command()
def merge(
    out_file: Path = typer.Argument(..., help="The merged results (.jsonl, .csv or .parquet)."),
    shards: list[Path] = typer.Argument(..., help="The .jsonl results of `propmark score --shard K/N`, all N of them, in any order."),
    force: bool = typer.Option(False, "--force", help="Replace an existing results file that propmark wrote."),
) -> None:
    """Join sharded results into the file one unsharded run would have written (byte for byte)."""
    from propmark.batch import merge_shards

    with user_errors():
        count = merge_shards(out_file, shards, force=force)
        err.print(f"merged {count} results from {len(shards)} shards into {out_file}")
