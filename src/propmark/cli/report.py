"""``propmark report``: the static HTML report of a results file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, app, err, user_errors, warn


def write(results: Path, out_dir: Path, model: Optional[Path]) -> None:
    from propmark.config import default_model_dir, label_names
    from propmark.markers.folder import fingerprint, read_manifest, read_spec
    from propmark.report import write_report

    folder = model or default_model_dir()
    spec = read_spec(folder)  # verified; its thresholds go into the tooltips
    makers: set[str] = set()
    count = write_report(results, out_dir, label_names(), dict(zip(spec.labels, spec.thresholds)), makers)
    if makers - {fingerprint(read_manifest(folder))}:
        warn(f"the tooltips show the thresholds of {folder}, but {results} was made by model {', '.join(sorted(makers))}; "
             "pass that model with --model for its thresholds")
    err.print(f"[green]report for {count} articles: {out_dir / 'index.html'}[/]")


@app.command()
def report(
    results: Path = typer.Argument(..., help="A results file from `propmark score --out RESULTS.jsonl`."),
    out_dir: Path = typer.Option(..., "--out", "-o", help="The report folder: new, empty, or an earlier propmark report (replaced whole)."),
    model: Optional[Path] = ModelOpt,
) -> None:
    """Write a static HTML report: an overview sorted by credibility and one highlighted page per article."""
    with user_errors():
        write(results, out_dir, model)
