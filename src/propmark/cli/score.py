"""``propmark score``: batch scoring with progress, a summary, and an optional report (over ``propmark.batch``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, PrecisionOpt, app, err, out, user_errors, warn


@app.command()
def score(
    paths: list[Path] = typer.Argument(..., help="Files or folders (.txt .md .html .htm .jsonl .csv), or - for standard input."),
    out_file: Optional[Path] = typer.Option(None, "--out", "-o", help="Write one result per article here, as it goes."),
    fmt: Optional[str] = typer.Option(None, "--format", help="jsonl, csv or parquet (default: from the --out suffix, else jsonl)."),
    resume: bool = typer.Option(False, "--resume", help="Continue an interrupted run of the same model on the same inputs."),
    force: bool = typer.Option(False, "--force", help="Replace an existing results file that propmark wrote."),
    errors_file: Optional[Path] = typer.Option(None, "--errors", help="Where to list inputs that could not be scored (default: OUT.errors.jsonl)."),
    main_only: Optional[bool] = typer.Option(None, "--main-only/--all-blocks", help="HTML: keep only the main text (trafilatura) instead of every text block."),
    max_file_mb: Optional[float] = typer.Option(None, min=0.001, help="Skip .txt/.md/.html files larger than this."),
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
        if report_dir is not None:
            if out_file is None or format_for(out_file, fmt) != "jsonl":
                raise PropmarkError("--report is made from the results file: give --out RESULTS.jsonl")
            check_target(report_dir, [Path(p) for p in paths])
        with Progress(SpinnerColumn(), TextColumn("scoring articles"), MofNCompleteColumn(), TimeElapsedColumn(),
                      TaskProgressColumn(show_speed=True), console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=None)
            summary = score_paths(paths, out_file, fmt=fmt, resume=resume, force=force, errors=errors_file, model=model,
                                  config=config, main_only=main_only, max_file_mb=max_file_mb, precision=precision,
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
