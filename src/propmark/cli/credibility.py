"""``propmark fit-credibility``: learn article credibility on a marker model's predictions and seal it into its folder."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, app, err, out, user_errors


@app.command("fit-credibility")
def fit_credibility_cmd(
    newsagendas: Path = typer.Option(..., help="The NewsAgendas folder or newsagendas.jsonl (MIT), e.g. ../shared/data/newsagendas: its dev split trains, its test split measures."),
    real: Optional[list[Path]] = typer.Option(None, help="Rebuilt real annotated pages (`propmark import real`; default training/real.jsonl where it exists): the real-page scale, and measured against their outlets' list facts."),
    labels: Path = typer.Option(Path("training/credibility_labels.jsonl"), help="The project's own article judgements ({doc_id, credibility}): they train beside NewsAgendas (fit.train_corpora), and the marker model's test split of them is measured as a secondary row."),
    corpus: Optional[list[Path]] = typer.Option(None, help="Labeled sentence JSONL files or folders holding those articles (default: training/corpus; the seeds are left out, so they stay a check the fit never saw)."),
    model: Optional[Path] = ModelOpt,
) -> None:
    """Learn article credibility from marker features and how the body reads (style_probe), on the real-page scale; report AUROC and calibration on held-out articles.

    Build the outlet table first (`propmark import outlets ../shared/data/source_lists`) so
    the outlet priors of the measured articles are those a user's scoring will see.
    """
    from rich.progress import MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from propmark.cli.console import credibility_fit_table
    from propmark.config import default_model_dir, load_config
    from propmark.credibility import datasets
    from propmark.credibility.fit import fit, rows_from
    from propmark.errors import PropmarkError
    from propmark.markers import folder
    from propmark.pipeline import Predictor

    with user_errors():
        model_dir = model or default_model_dir()
        dev_ids, test_ids = folder.split_ids(model_dir)
        labeled = datasets.newsagendas(newsagendas)
        real_files = real or [p for p in [Path("training/real.jsonl")] if p.is_file()]
        if real_files:
            labeled += datasets.real_pages(real_files, dev_ids | test_ids)
        if labels.is_file():
            sources = corpus or [Path("training/corpus")]
            fitted_on = load_config("credibility")["fit"]["train_corpora"]
            labeled += [a for a in datasets.own_articles(sources, labels, test_ids) if a.split == "test" or "own" in fitted_on]
        elif labels != Path("training/credibility_labels.jsonl"):
            raise PropmarkError(f"no such labels file: {labels}")
        predictor = Predictor.load(model_dir, credibility=False)
        with Progress(TextColumn("scoring labeled articles"), MofNCompleteColumn(), TimeElapsedColumn(), console=err, transient=True) as progress:
            task = progress.add_task("scoring", total=len(labeled))
            results, embeddings = [], []
            for result, rows in predictor.score_embedded(item.article for item in labeled):
                results.append(result)
                embeddings.append(rows)
                progress.advance(task)
        fitted = fit(rows_from(results, labeled, embeddings), lambda line: err.print(line))
        folder.add_file(model_dir, folder.CREDIBILITY, fitted.to_json())
        out.print(credibility_fit_table(fitted))
        err.print(f"[green]credibility model sealed into {model_dir / folder.CREDIBILITY}[/]")
