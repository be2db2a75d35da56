"""``propmark check``: one article in the terminal, flagged sentences highlighted, with the reasons."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, app, out, user_errors, warn


@app.command()
def check(
    file: Path = typer.Argument(..., help="One article (.txt, .md or .html)."),
    model: Optional[Path] = ModelOpt,
    flagged_only: bool = typer.Option(False, "--flagged-only", help="Show only flagged sentences."),
    url: Optional[str] = typer.Option(None, "--url", help="The article's url, for its outlet's facts and prior."),
    outlet: Optional[str] = typer.Option(None, "--outlet", help="The article's outlet (a name or a domain), where there is no url."),
) -> None:
    """Show one article with its flagged sentences highlighted by label, with scores."""
    from propmark.cli.console import article_view, credibility_text, legend
    from propmark.errors import PropmarkError
    from propmark.io.readers import Article, iter_articles
    from propmark.pipeline import Predictor

    with user_errors():
        if not file.is_file():
            raise PropmarkError(f"not a file: {file}")
        items = list(iter_articles([file]))
        if len(items) != 1 or not isinstance(items[0], Article):  # e.g. a .jsonl with several articles
            reason = items[0].reason if items and not isinstance(items[0], Article) else "expected one article"
            raise PropmarkError(f"{file}: {reason}")
        items[0].meta.update({k: v for k, v in (("url", url), ("outlet", outlet)) if v})
        predictor = Predictor.load(model)
        if predictor.credibility is None:
            warn(f"{predictor.model_dir} has no credibility model: markers only (run `propmark fit-credibility`)")
        result = next(predictor.score(items))
        out.print(legend(predictor.labels))
        for line in article_view(result, predictor.labels, flagged_only):
            out.print(line, soft_wrap=True)
        out.print(credibility_text(result))
