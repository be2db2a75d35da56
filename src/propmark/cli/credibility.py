"""``propmark fit-credibility``: learn article credibility on a marker model's predictions and seal it into its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, app, err, out, user_errors


@app.command("fit-credibility")
def fit_credibility_cmd(
    labels: Path = typer.Option(Path("training/credibility_labels.jsonl"), help="Article judgements: {doc_id, credibility: high|mixed|low} per line."),
    corpus: Optional[list[Path]] = typer.Option(None, help="Labeled sentence JSONL files or folders holding those articles (default: training/corpus and training/seeds.jsonl)."),
    newsagendas: Optional[Path] = typer.Option(None, help="The NewsAgendas folder or newsagendas.jsonl (MIT), e.g. ../shared/data/newsagendas."),
    model: Optional[Path] = ModelOpt,
) -> None:
    """Learn article credibility from marker features and outlet facts; report AUROC and calibration on held-out articles."""
    from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from propmark.cli.console import credibility_fit_table
    from propmark.config import default_model_dir
    from propmark.credibility.datasets import newsagendas as read_newsagendas
    from propmark.credibility.datasets import own_articles
    from propmark.credibility.fit import fit, rows_from
    from propmark.errors import PropmarkError
    from propmark.markers import folder
    from propmark.pipeline import Predictor

    with user_errors():
        model_dir = model or default_model_dir()
        test_ids = folder.held_out_ids(model_dir)
        if not labels.is_file():
            raise PropmarkError(f"no such labels file: {labels}")
        sources = corpus or [Path("training/corpus"), Path("training/seeds.jsonl")]
        labeled = own_articles(sources, labels, test_ids)
        if newsagendas is not None:
            labeled += read_newsagendas(newsagendas)
        predictor = Predictor.load(model_dir, credibility=False)
        with Progress(TextColumn("scoring labeled articles"), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=len(labeled))
            results = []
            for result in predictor.score(item.article for item in labeled):
                results.append(result)
                progress.advance(task)
        fitted = fit(rows_from(results, labeled), lambda line: err.print(line))
        folder.add_file(model_dir, folder.CREDIBILITY, fitted.to_json())
        out.print(credibility_fit_table(fitted))
        err.print(f"[green]credibility model sealed into {model_dir / folder.CREDIBILITY}[/]")
