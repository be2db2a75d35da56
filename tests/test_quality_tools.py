"""Calibration, the frozen-encoder and imported-data training paths, and the two baselines."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from rich.console import Console

from propmark.markers import folder as model_io
from propmark.training.baselines import make_baseline
from propmark.training.baselines.keywords import KeywordRules
from propmark.markers.calibration import expected_calibration_error, fit_platt, recalibrate, scale_logits
from propmark.config import label_names
from propmark.training.corpus import Document, load_documents
from propmark.errors import DataError, PropmarkError
from propmark.markers.inference import document_probabilities
from propmark.training.loop import train

from conftest import TINY, tiny_train_config

LABELS = label_names()


def test_ece_is_zero_when_confidence_matches_frequency_and_large_when_not() -> None:
    y = np.array([1, 0] * 50)
    assert expected_calibration_error(y, np.full(100, 0.5)) == pytest.approx(0.0)
    assert expected_calibration_error(y, np.full(100, 0.9)) == pytest.approx(0.4)


def test_platt_scaling_repairs_overconfident_scores() -> None:
    rng = np.random.default_rng(0)
    truth = rng.random(4000) < 0.3
    # a model whose logits are three times too sharp
    true_logit = np.where(truth, 1.0, -1.0) + rng.normal(0, 1.2, 4000)
    probs = 1 / (1 + np.exp(-3 * true_logit))
    y = truth.astype(int).reshape(-1, 1)
    params = fit_platt(y, probs.reshape(-1, 1))
    calibrated = torch.sigmoid(scale_logits(torch.logit(torch.tensor(probs).reshape(-1, 1), eps=1e-6), params)).numpy()[:, 0]
    assert expected_calibration_error(truth, calibrated) < expected_calibration_error(truth, probs) / 2
    assert 0 < params[0][0] < 1  # it softens the scores


def test_recalibrating_stored_probabilities_matches_calibrated_logits() -> None:
    logits = torch.randn(50, 2, dtype=torch.float64)
    params = [[0.7, -0.3], [1.4, 0.2]]
    expected = torch.sigmoid(scale_logits(logits, params)).numpy()
    np.testing.assert_allclose(recalibrate(torch.sigmoid(logits).numpy(), params), expected, atol=1e-9)
    probs = np.linspace(0.01, 0.99, 10).reshape(-1, 1)
    np.testing.assert_allclose(recalibrate(probs, []), probs)


def test_platt_keeps_identity_for_a_label_without_both_classes() -> None:
    y = np.zeros((10, 1), dtype=int)
    assert fit_platt(y, np.linspace(0.1, 0.9, 10).reshape(-1, 1)) == [[1.0, 0.0]]
    logits = torch.randn(3, 2)
    assert torch.equal(scale_logits(logits, []), logits)


def test_training_with_dev_calibrates_and_reports_ece(tiny_encoder: Path, tmp_path: Path) -> None:
    cfg = tiny_train_config(tiny_encoder, tmp_path / "m", epochs=3, dev_fraction=0.34, test_fraction=0.0)
    metrics = train(cfg, Console(quiet=True))
    spec = model_io.read_spec(tmp_path / "m")
    assert len(spec.calibration) == len(LABELS)
    assert all(0.0 <= metrics["dev"]["labels"][name]["ece"] <= 1.0 for name in LABELS)


def test_frozen_encoder_trains_only_the_head(tiny_encoder: Path, tmp_path: Path) -> None:
    cfg = tiny_train_config(tiny_encoder, tmp_path / "frozen", lora={"rank": 0}, epochs=60, lr_head=1e-2)
    train(cfg, Console(quiet=True))
    model = model_io.load(tmp_path / "frozen")
    assert not model.fine_tuned
    assert all(name.startswith("head.") for name in model.trainable_state())
    docs = load_documents([TINY], LABELS)
    probs = np.concatenate(document_probabilities(model, [d.sentences for d in docs]))
    gold = np.array([[name in labels for name in LABELS] for d in docs for labels in d.labels])
    j = LABELS.index("boilerplate")
    assert probs[gold[:, j], j].mean() > probs[~gold[:, j], j].mean() + 0.3


def _imported_record(text: str, labels: list[str], doc: str) -> str:
    return json.dumps({"text": text, "labels": labels, "doc_id": doc, "annotated": ["boilerplate"], "use": "train"}) + "\n"


def test_imported_documents_only_train_and_only_for_their_labels(tiny_encoder: Path, tmp_path: Path) -> None:
    from propmark.markers.model import MarkerModel
    from propmark.encoder import load_base
    from propmark.training.loop import _batch_loss, _live_encoder

    data = tmp_path / "with-imports.jsonl"
    data.write_text(
        TINY.read_text(encoding="utf-8")
        + _imported_record("Impressum", ["boilerplate"], "imp-1")
        + _imported_record("Teilen Sie diesen Artikel!", [], "imp-1"),
        encoding="utf-8",
    )
    metrics = train(tiny_train_config(tiny_encoder, tmp_path / "m", data=[str(data)], epochs=1, dev_fraction=0.34), Console(quiet=True))
    assert "imp-1" not in metrics["split"]["dev_doc_ids"] + metrics["split"]["test_doc_ids"]

    # The import says nothing about appeals, so its appeal target must not move the loss.
    cfg = tiny_train_config(tiny_encoder, tmp_path / "unused")
    model = MarkerModel(load_base(cfg.base_encoder), model_io.read_spec(tmp_path / "m"))
    model.eval()
    losses = []
    for appeal in ([], ["appeal"]):
        doc = Document("imp-1", ["Teilen Sie diesen Artikel!"], [appeal], annotated=["boilerplate"])
        losses.append(_batch_loss(model, _live_encoder(model, cfg.step_tokens), [doc], [(0, 0, 1)], LABELS, cfg.source_weights).item())
    assert losses[0] == pytest.approx(losses[1])


def test_annotated_must_name_known_labels(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "x", "labels": [], "annotated": ["nonsense"]}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="bad.jsonl:1: 'annotated'"):
        load_documents([bad], LABELS)


def test_keyword_rules_use_the_sentence_language_and_the_neutral_list() -> None:
    lexicons = {
        "any": {"boilerplate": [r"pic\.twitter\.com"]},
        "de": {"unsourced_attribution": [r"\bexperten zufolge\b"]},
        "nb": {"unsourced_attribution": [r"\bskal ha\b"]},
    }
    rules = KeywordRules(LABELS, lexicons)
    ua, bp = LABELS.index("unsourced_attribution"), LABELS.index("boilerplate")
    de = Document("d", ["Experten zufolge steigt der Preis.", "Mannen skal ha flyktet.", "pic.twitter.com/x1"], [[], [], []], lang="de")
    unknown = Document("u", ["Mannen skal ha flyktet."], [[]], lang="xx")
    p_de, p_unknown = rules.document_probabilities([de, unknown])
    assert p_de[:, ua].tolist() == [1.0, 0.0, 0.0]  # Norwegian phrasing is not applied to German text
    assert p_de[2, bp] == 1.0
    assert p_unknown[0, ua] == 1.0  # an uncovered language gets every list


def test_keyword_rules_reject_bad_patterns_and_labels() -> None:
    with pytest.raises(PropmarkError, match="bad pattern"):
        KeywordRules(LABELS, {"de": {"appeal": ["(unclosed"]}})
    with pytest.raises(PropmarkError, match="unknown label"):
        KeywordRules(LABELS, {"de": {"apeal": ["x"]}})


def test_shipped_lexicons_compile_for_every_corpus_language() -> None:
    rules = make_baseline("keywords", LABELS)
    for lang in ("de", "nb", "en", "ru", "fr"):
        assert all(rules.lexicons[lang]), f"{lang} lacks a label"


def test_tfidf_baseline_learns_and_respects_annotated_rows() -> None:
    docs = load_documents([TINY], LABELS)
    model = make_baseline("tfidf", LABELS)
    model.fit(docs, docs)
    probs = np.concatenate(model.document_probabilities(docs))
    gold = np.array([[name in labels for name in LABELS] for d in docs for labels in d.labels])
    j = LABELS.index("boilerplate")
    assert probs[gold[:, j], j].mean() > probs[~gold[:, j], j].mean()
    assert len(model.thresholds) == len(LABELS)

    # rows of a corpus that only annotates boilerplate are not appeal negatives
    only_bp = [Document("imp", d.sentences, [[x for x in lab if x == "boilerplate"] for lab in d.labels], annotated=["boilerplate"]) for d in docs]
    partial = make_baseline("tfidf", LABELS)
    partial.fit(only_bp, [])
    assert partial.models[LABELS.index("appeal")] is None
    assert partial.models[j] is not None


def test_unknown_baseline_is_a_user_error() -> None:
    with pytest.raises(PropmarkError, match="unknown baseline"):
        make_baseline("bert", LABELS)
