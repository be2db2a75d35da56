import json
from pathlib import Path

import numpy as np
import torch
from rich.console import Console

from propmark.config import label_names
from propmark.markers import folder as model_io
from propmark.markers.inference import document_probabilities
from propmark.markers.metrics import evaluate, label_matrix
from propmark.markers.sequence import LAYOUT_DIM, SequenceLayer, layout_features
from propmark.training.corpus import load_documents
from propmark.training.loop import train

from conftest import TINY, tiny_train_config

LABELS = label_names()


def test_layout_features_mark_html_units_and_leave_text_units_zero() -> None:
    feats = layout_features([{"tag": "li", "link_density": 0.8, "region": "nav"}, None, {"tag": "h2", "link_density": 0.0, "region": ""}], 3)
    assert feats.shape == (3, LAYOUT_DIM)
    assert feats[1].abs().sum() == 0
    assert feats[0, 0] == 1 and feats[0, 1] == torch.tensor(0.8) and feats[0, 2] == 1  # html, link density, nav
    assert feats[2, 0] == 1 and feats[2, 2:7].sum() == 0  # no furniture region
    assert layout_features(None, 2).abs().sum() == 0


def test_an_untrained_sequence_layer_leaves_the_head_logits_as_they_are() -> None:
    layer = SequenceLayer(embed_dim=8, n_labels=4, n_position=4, hidden=6, project=5, dropout=0.0)
    logits = torch.randn(7, 4)
    out = layer(torch.randn(7, 8), logits, torch.rand(7, 4), torch.rand(7, LAYOUT_DIM))
    assert torch.allclose(out, logits)


def _real_copies(tmp_path: Path, copies: int = 12) -> Path:
    """The tiny articles again as real pages of many sites, with HTML layouts on their lines."""
    lines = []
    for c in range(copies):
        for line in TINY.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            record.update(doc_id=f"real-{c}-{record['doc_id']}", outlet=f"site{c}.example", corpus="trafilatura_eval", use="train",
                          layout={"tag": "li" if "boilerplate" in record["labels"] else "p", "link_density": 0.0, "region": ""})
            lines.append(json.dumps(record, ensure_ascii=False))
    path = tmp_path / "real.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_sequence_layer_is_judged_on_real_dev_and_saved_with_the_model(tiny_encoder: Path, tmp_path: Path) -> None:
    real = _real_copies(tmp_path)
    cfg = tiny_train_config(tiny_encoder, tmp_path / "m", data=[str(TINY), str(real)], epochs=3, dev_fraction=0.3,
                            test_fraction=0.3, sequence={"epochs": 3, "patience": 2})
    metrics = train(cfg, Console(quiet=True))
    info = metrics["sequence"]
    assert info["kept"] == (info["dev_macro_f1_with"] > info["dev_macro_f1_without"])
    model = model_io.load(tmp_path / "m")
    assert (model.sequence is not None) == info["kept"]
    # The saved folder reproduces the test figures the training run reported.
    test_ids = set(metrics["split"]["test_doc_ids"])
    docs = [d for d in load_documents([TINY, real], LABELS) if d.doc_id in test_ids]
    probs = np.concatenate(document_probabilities(model, [d.sentences for d in docs], layouts=[d.layouts for d in docs]))
    y = label_matrix([lab for d in docs for lab in d.labels], LABELS)
    again = evaluate(y, probs >= np.array(model.spec.thresholds), LABELS, [d.lang for d in docs for _ in d.sentences])
    assert again["macro_f1"] == metrics["test"]["macro_f1"]
