import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from rich.console import Console

from propmark.markers import folder as model_io
from propmark.config import label_names
from propmark.training.corpus import load_documents
from propmark.encoder import load_base
from propmark.errors import ModelError, PropmarkError
from propmark.markers.inference import document_probabilities, embed_by_length
from propmark.training.loop import train

from conftest import TINY, build_tiny_encoder, tiny_train_config


def test_model_folder_is_small_and_complete(tiny_model: Path) -> None:
    names = {p.name for p in tiny_model.iterdir()}
    assert {"adapter.safetensors", "config.json", "manifest.json", "metrics.json", "README.md"} <= names
    assert sum(p.stat().st_size for p in tiny_model.iterdir()) < 1_000_000
    spec = json.loads((tiny_model / "config.json").read_text())
    assert spec["labels"] == label_names() and len(spec["thresholds"]) == 4


def test_training_learns_the_tiny_corpus(tiny_model: Path) -> None:
    metrics = json.loads((tiny_model / "metrics.json").read_text())
    losses = [h["train_loss"] for h in metrics["history"]]
    assert losses[-1] < 0.5 * losses[0]
    model = model_io.load(tiny_model)
    docs = load_documents([TINY], label_names())
    probs = np.concatenate(document_probabilities(model, [d.sentences for d in docs]))
    ads = [i for i, s in enumerate(s for d in docs for s in d.sentences) if s in ("Anzeige", "annonse", "Advertisement")]
    assert (probs[ads, 0] > 0.5).all()


def test_save_load_round_trip_gives_same_probabilities(tiny_model: Path) -> None:
    a = model_io.load(tiny_model)
    b = model_io.load(tiny_model)
    docs = [["Anzeige", "Experten zufolge steigt der Preis.", "Teilen Sie diesen Artikel!"]]
    np.testing.assert_allclose(document_probabilities(a, docs)[0], document_probabilities(b, docs)[0], atol=1e-6)


def test_context_changes_a_sentence_score(tiny_model: Path) -> None:
    model = model_io.load(tiny_model)
    alone = document_probabilities(model, [["Anzeige"]])[0][0]
    framed = document_probabilities(model, [["Das Kabinett hat das Gesetz verabschiedet.", "Anzeige", "Subscribe to our newsletter"]])[0][1]
    assert not np.allclose(alone, framed)


def test_batches_fill_a_token_budget_shortest_first_and_embed_as_one_by_one(tiny_model: Path, monkeypatch) -> None:
    model = model_io.load(tiny_model).eval()
    texts = ["Anzeige", "Das Kabinett hat das Gesetz am Dienstag nach einer langen Debatte verabschiedet.",
             "Experten zufolge steigt der Preis.", "Teilen Sie diesen Artikel!", "Mehr zum Thema"] * 3
    texts = [f"{t} ({i})" for i, t in enumerate(texts)]
    with torch.inference_mode():
        one_by_one = torch.cat([model.embed(model.tokenize([t])) for t in texts])
        shapes: list[tuple[int, int]] = []
        embed = model.embed
        monkeypatch.setattr(model, "embed", lambda batch: shapes.append(tuple(batch["input_ids"].shape)) or embed(batch))
        budgeted = embed_by_length(model, texts, 64)
    assert sum(rows for rows, _ in shapes) == len(texts) and len(shapes) > 2
    assert all(rows * width <= 64 or rows == 1 for rows, width in shapes) and all(width % 8 == 0 for _, width in shapes)
    assert [w for _, w in shapes] == sorted(w for _, w in shapes)
    torch.testing.assert_close(budgeted, one_by_one, atol=1e-4, rtol=0)


def test_a_training_step_split_by_length_gives_the_gradients_of_one_padded_batch(tiny_model: Path) -> None:
    model = model_io.load(tiny_model).eval()  # eval: no dropout, so both passes compute the same function
    texts = ["Anzeige", "Das Kabinett hat das Gesetz am Dienstag nach einer langen Debatte verabschiedet.",
             "Experten zufolge steigt der Preis.", "Teilen Sie diesen Artikel!", "Mehr zum Thema"] * 2
    lora = [p for n, p in model.named_parameters() if "lora_" in n]
    assert lora
    grads = []
    for encode in (lambda: model.embed(model.tokenize(texts)), lambda: embed_by_length(model, texts, 64)):
        model.zero_grad()
        (encode() * torch.linspace(-1, 1, model.encoder.config.hidden_size)).sum().backward()
        grads.append(torch.cat([p.grad.flatten() for p in lora]))
    assert grads[0].abs().sum() > 0
    torch.testing.assert_close(grads[1], grads[0], atol=1e-4, rtol=1e-3)


def test_training_is_deterministic_with_a_seed(tiny_encoder: Path, tmp_path: Path) -> None:
    for name in ("a", "b"):
        train(tiny_train_config(tiny_encoder, tmp_path / name, epochs=2), Console(quiet=True))
    assert (tmp_path / "a" / "adapter.safetensors").read_bytes() == (tmp_path / "b" / "adapter.safetensors").read_bytes()


def test_refuses_a_different_base_encoder(tiny_model: Path, tmp_path: Path) -> None:
    other = load_base(str(build_tiny_encoder(tmp_path / "other", seed=99)))
    with pytest.raises(ModelError, match="fingerprint"):
        model_io.load(tiny_model, base=other)


def test_refuses_an_altered_or_incomplete_folder(tiny_model: Path, tmp_path: Path) -> None:
    altered = tmp_path / "altered"
    shutil.copytree(tiny_model, altered)
    config = json.loads((altered / "config.json").read_text())
    config["thresholds"] = [0.01] * 4
    (altered / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelError, match="altered"):
        model_io.load(altered)
    (altered / "adapter.safetensors").unlink()
    with pytest.raises(ModelError, match="missing"):
        model_io.load(altered)
    with pytest.raises(ModelError, match="not found"):
        model_io.load(tmp_path / "nowhere")


def test_dev_and_test_splits_are_reported(tiny_encoder: Path, tmp_path: Path) -> None:
    cfg = tiny_train_config(tiny_encoder, tmp_path / "m", epochs=2, dev_fraction=0.3, test_fraction=0.3)
    metrics = train(cfg, Console(quiet=True))
    assert set(metrics["split"]["documents"]) == {"train", "dev", "test", "own_test"}
    held_out = set(metrics["split"]["test_doc_ids"]) | set(metrics["split"]["dev_doc_ids"])
    assert held_out and "dev" in metrics and "test" in metrics
    assert set(metrics["test"]["labels"]) == set(label_names())


@pytest.mark.parametrize("precision, tolerance", [("fp32", 1e-5), ("bf16", 0.05), ("int8", 0.1)])
def test_optimized_model_keeps_its_predictions(tiny_model: Path, precision: str, tolerance: float) -> None:
    from propmark.markers.optimize import optimize

    docs = [["Anzeige", "Experten zufolge steigt der Preis.", "Teilen Sie diesen Artikel!", "Das Kabinett tagt."]]
    reference = document_probabilities(model_io.load(tiny_model), docs)[0]
    fast = optimize(model_io.load(tiny_model), precision)
    assert not any("LoRA" in type(m).__name__ for m in fast.encoder.modules())
    np.testing.assert_allclose(document_probabilities(fast, docs)[0], reference, atol=tolerance)


def test_training_refuses_research_only_records(tiny_encoder: Path, tmp_path: Path) -> None:
    from propmark.errors import PropmarkError

    data = tmp_path / "mixed.jsonl"
    data.write_text(TINY.read_text(encoding="utf-8") + json.dumps({"text": "x", "labels": [], "doc_id": "ptc-1", "use": "eval-only"}) + "\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match="research-only"):
        train(tiny_train_config(tiny_encoder, tmp_path / "m", data=[str(data)]), Console(quiet=True))


def test_init_from_with_no_epochs_keeps_the_encoder_and_head_and_refits_the_rest(tiny_encoder: Path, tiny_model: Path, tmp_path: Path) -> None:
    from safetensors.torch import load_file

    out = tmp_path / "refit"
    metrics = train(tiny_train_config(tiny_encoder, out, init_from=str(tiny_model), epochs=0, dev_fraction=0.3), Console(quiet=True))
    before, after = load_file(str(tiny_model / "adapter.safetensors")), load_file(str(out / "adapter.safetensors"))
    shared = [k for k in before if not k.startswith("sequence.")]
    assert shared and all(torch.equal(before[k], after[k]) for k in shared)
    assert metrics["history"] == [] and "dev" in metrics
    assert json.loads((out / "config.json").read_text())["thresholds"]  # chosen again on this data's dev split
    from propmark.training.loop import _start_from

    with pytest.raises(PropmarkError, match="predicts"):
        _start_from(tiny_model, load_base(str(tiny_encoder)), ["boilerplate"])


def test_training_caps_the_kernel_cache_unless_the_user_set_it(tiny_encoder: Path, tmp_path: Path, monkeypatch) -> None:
    from propmark.training.loop import KERNEL_CACHE

    monkeypatch.delenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", raising=False)
    train(tiny_train_config(tiny_encoder, tmp_path / "a", epochs=1), Console(quiet=True))
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == str(KERNEL_CACHE)
    monkeypatch.setenv("ONEDNN_PRIMITIVE_CACHE_CAPACITY", "256")
    train(tiny_train_config(tiny_encoder, tmp_path / "b", epochs=1), Console(quiet=True))
    assert os.environ["ONEDNN_PRIMITIVE_CACHE_CAPACITY"] == "256"
