"""``propmark eval``: precision, recall and F1 of a model on labeled sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import ModelOpt, PrecisionOpt, app, out, user_errors


@app.command("eval")
def evaluate_cmd(
    data: list[Path] = typer.Argument(..., help="Labeled JSONL files or folders."),
    model: Optional[Path] = ModelOpt,
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object instead of tables."),
    held_out: bool = typer.Option(False, "--held-out", help="Only the documents the model's training held out as its test split."),
    precision: Optional[str] = PrecisionOpt,
) -> None:
    """Precision, recall and F1 per label and per language on labeled data."""
    import numpy as np

    from propmark.cli.console import print_metrics
    from propmark.config import default_model_dir, label_names
    from propmark.errors import PropmarkError
    from propmark.markers.folder import held_out_ids
    from propmark.markers.metrics import evaluate, label_matrix
    from propmark.pipeline import Predictor
    from propmark.training.corpus import load_documents

    with user_errors():
        docs = load_documents(data, label_names())
        if held_out:
            test_ids = held_out_ids(model or default_model_dir())
            docs = [d for d in docs if d.doc_id in test_ids]
            if not docs:
                raise PropmarkError("none of the given documents is in the model's held-out test split")
        if not any(labels for d in docs for labels in d.labels):
            raise PropmarkError("the data holds no marker labels to measure against (every sentence is unlabeled)")
        predictor = Predictor.load(model, precision, credibility=False)
        probs = np.concatenate(predictor.probabilities([d.sentences for d in docs]))
        y_true = label_matrix([lab for d in docs for lab in d.labels], predictor.labels)
        langs = [d.lang for d in docs for _ in d.sentences]
        result = evaluate(y_true, probs >= predictor.thresholds, predictor.labels, langs, probs)
        if as_json:
            out.print_json(json.dumps(result))
        else:
            print_metrics(out, result)
