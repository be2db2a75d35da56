"""``propmark report``: the static HTML report of a results file."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, app, err, user_errors, warn


def write(results: Path, out_dir: Path, model: Optional[Path]) -> None:
    from propmark.config import default_model_dir, label_names
    from propmark.markers.folder import read_spec
    from propmark.report import write_report

    from propmark.io.journal import read_results
    from propmark.markers.folder import fingerprint, verify

    folder = model or default_model_dir()
    spec = read_spec(folder)  # its thresholds go into the tooltips
    thresholds = dict(zip(spec.labels, spec.thresholds))
    makers = {r.model for r in read_results(results) if r.model}
    if makers - {fingerprint(verify(folder))}:
        warn(f"the tooltips show the thresholds of {folder}, but {results} was made by model {', '.join(sorted(makers))}; "
             "pass that model with --model for its thresholds")
    count = write_report(results, out_dir, label_names(), thresholds)
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
