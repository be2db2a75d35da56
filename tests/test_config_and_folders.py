"""Configs layered over the packaged defaults and validated; model folders sealed by one manifest."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from rich.console import Console

from propmark.config.schemas import BatchConfig, TrainConfig
from propmark.errors import ModelError, PropmarkError
from propmark.markers import folder


def test_a_minimal_user_config_is_layered_over_the_defaults(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text("epochs: 2\nlora: {rank: 4}\n")
    cfg = TrainConfig.load(user)
    assert cfg.epochs == 2 and cfg.lora.rank == 4
    assert cfg.lora.targets and cfg.head.hidden == 256  # everything else from defaults/train.yaml


def test_a_config_without_lora_keeps_the_default_adapters(tmp_path: Path) -> None:
    user = tmp_path / "mine.yaml"
    user.write_text("epochs: 1\n")
    assert TrainConfig.load(user).lora.rank == 8  # not a silently frozen encoder


@pytest.mark.parametrize("text, message", [
    ("lora: {last_layer: 1}\n", "unknown setting 'lora.last_layer' (did you mean 'last_layers'?)"),
    ("epoch: 3\n", "unknown setting 'epoch' (did you mean 'epochs'?)"),
    ("epochs: many\n", "epochs:"),
    ("split_by: site\n", "split_by:"),
    ("- a list\n", "must hold a mapping"),
])
def test_a_bad_key_or_value_is_one_error_naming_it(tmp_path: Path, text: str, message: str) -> None:
    user = tmp_path / "bad.yaml"
    user.write_text(text)
    with pytest.raises(PropmarkError, match=re.escape(message)):
        TrainConfig.load(user)


def test_batch_settings_are_validated_too(tmp_path: Path) -> None:
    user = tmp_path / "batch.yaml"
    user.write_text("precision: fp8\n")
    with pytest.raises(PropmarkError, match="precision"):
        BatchConfig.load(user)


def test_every_file_of_a_model_folder_is_in_its_manifest(tiny_model: Path) -> None:
    manifest = json.loads((tiny_model / folder.MANIFEST).read_text())
    files = {p.name for p in tiny_model.iterdir() if p.is_file() and p.name != folder.MANIFEST}
    assert set(manifest) == files and folder.CREDIBILITY in files and folder.METRICS in files


def test_the_shipped_model_is_sealed_whole() -> None:
    from propmark.config import default_model_dir

    assert folder.CREDIBILITY in folder.verify(default_model_dir())


def test_an_edited_credibility_model_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "m"
    shutil.copytree(tiny_model, copy)
    data = json.loads((copy / folder.CREDIBILITY).read_text())
    data["intercept"] += 5
    (copy / folder.CREDIBILITY).write_text(json.dumps(data))
    with pytest.raises(ModelError, match="altered"):
        folder.verify(copy)


def test_retraining_keeps_the_credibility_model_and_says_so(tiny_encoder: Path, tiny_model: Path, tmp_path: Path) -> None:
    from conftest import tiny_train_config

    from propmark.training.loop import train

    copy = tmp_path / "m"
    shutil.copytree(tiny_model, copy)
    with pytest.raises(ModelError, match="add --force"):
        train(tiny_train_config(tiny_encoder, copy, epochs=1), Console(quiet=True))
    console = Console(record=True, width=300)
    train(tiny_train_config(tiny_encoder, copy, epochs=1), console, replace=True)
    assert (copy / folder.CREDIBILITY).is_file() and folder.CREDIBILITY in folder.verify(copy)
    assert "refit it with `propmark fit-credibility" in console.export_text()


def test_training_refuses_a_folder_of_other_files(tiny_encoder: Path, tmp_path: Path) -> None:
    from conftest import tiny_train_config

    from propmark.training.loop import train

    target = tmp_path / "notes"
    target.mkdir()
    (target / "mine.txt").write_text("keep me")
    with pytest.raises(ModelError, match="not a propmark model"):
        train(tiny_train_config(tiny_encoder, target, epochs=1), Console(quiet=True))
    assert (target / "mine.txt").read_text() == "keep me"


def test_a_folder_without_credibility_model_scores_markers_only(tiny_model: Path, tmp_path: Path) -> None:
    from propmark.pipeline import Predictor

    copy = tmp_path / "m"
    shutil.copytree(tiny_model, copy)
    (copy / folder.CREDIBILITY).unlink()
    manifest = json.loads((copy / folder.MANIFEST).read_text())
    del manifest[folder.CREDIBILITY]
    (copy / folder.MANIFEST).write_text(json.dumps(manifest))
    predictor = Predictor.load(copy)
    assert predictor.credibility is None  # never the shipped model's, fitted on another marker model
    result = next(predictor.score_texts(["Anzeige\nDas Kabinett tagt."]))
    assert result.credibility is None and result.model == predictor.fingerprint


def test_training_data_without_labels_is_refused(tiny_encoder: Path, tmp_path: Path) -> None:
    from conftest import tiny_train_config

    from propmark.training.loop import train

    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "Das Kabinett tagt.", "labels": [], "doc_id": "d"}) + "\n")
    with pytest.raises(PropmarkError, match="no marker labels"):
        train(tiny_train_config(tiny_encoder, tmp_path / "m", data=[str(data)]), Console(quiet=True))
