"""Train the page-level sequence layer on top of a fine-tuned marker model, and keep it only if dev says so.

The encoder and the context head are frozen by then, so every unit is embedded once and
the head's logits are computed once; the layer then trains over whole documents in
seconds per epoch. It is compared on the dev split with the model without it (each with
its own best thresholds) and dropped unless it wins: a layer that does not help on real
pages costs inference time for nothing.
"""

from __future__ import annotations

import random

import numpy as np
import torch
from rich.console import Console

from propmark.config.schemas import TrainConfig
from propmark.markers.inference import embed_by_length
from propmark.markers.metrics import best_thresholds, evaluate, label_matrix
from propmark.markers.model import MarkerModel, neighbour_index, position_features
from propmark.markers.sequence import layout_features
from propmark.training.corpus import Document


def _features(model: MarkerModel, docs: list[Document], encode, batch_tokens: int) -> list[tuple[torch.Tensor, ...]]:
    """Per document: embeddings, the head's logits, positions, layout (all fixed while the layer trains)."""
    unique = list(dict.fromkeys(t for d in docs for t in d.sentences))
    model.eval()
    with torch.no_grad():
        table = encode(unique) if encode else embed_by_length(model, unique, batch_tokens)
        row = {t: i for i, t in enumerate(unique)}
        out = []
        for d in docs:
            n = len(d.sentences)
            rows = table[[row[t] for t in d.sentences]]
            positions = position_features(n, [len(t) for t in d.sentences])
            logits = model.classify(rows, neighbour_index(n, model.spec.context_window), positions)
            out.append((rows, logits, positions, layout_features(d.layouts, n)))
    return out


def _dev_macro(model: MarkerModel, feats, y: np.ndarray, langs: list[str], use_layer: bool) -> float:
    with torch.no_grad():
        logits = [model.sequence(*f) if use_layer else f[1] for f in feats]
    probs = torch.sigmoid(torch.cat(logits)).numpy()
    return evaluate(y, probs >= np.array(best_thresholds(y, probs)), model.spec.labels, langs)["macro_f1"]


def fit_sequence(model: MarkerModel, train_docs: list[Document], dev_docs: list[Document], cfg: TrainConfig,
                 console: Console, encode=None) -> dict:
    """Add, train and judge the sequence layer; the model keeps it only when its dev macro F1 is higher."""
    settings = cfg.sequence
    torch.manual_seed(cfg.seed)
    batch_tokens = cfg.batch_sentences * model.spec.max_length
    train_feats = _features(model, train_docs, encode, batch_tokens)
    dev_feats = _features(model, dev_docs, encode, batch_tokens)
    labels = model.spec.labels
    y_dev = label_matrix([lab for d in dev_docs for lab in d.labels], labels)
    langs = [d.lang for d in dev_docs for _ in d.sentences]
    targets = [torch.from_numpy(label_matrix(d.labels, labels)).float() for d in train_docs]
    masks = [torch.tensor(d.loss_weights(labels, cfg.source_weights)).expand(len(d.sentences), -1) for d in train_docs]
    layer = model.add_sequence(settings.model_dump(include={"hidden", "project", "dropout", "layout"}))
    without = _dev_macro(model, dev_feats, y_dev, langs, use_layer=False)
    optimizer = torch.optim.AdamW(layer.parameters(), lr=settings.lr, weight_decay=cfg.weight_decay)
    rng = random.Random(cfg.seed)
    order = list(range(len(train_docs)))
    best, best_state, stale = -1.0, None, 0
    for epoch in range(1, settings.epochs + 1):
        layer.train()
        rng.shuffle(order)
        for i in order:
            logits = layer(*train_feats[i])
            loss = torch.nn.functional.binary_cross_entropy_with_logits(logits, targets[i], reduction="none")
            loss = (loss * masks[i]).sum() / masks[i].sum().clamp(min=1.0)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(layer.parameters(), 1.0)
            optimizer.step()
        layer.eval()
        score = _dev_macro(model, dev_feats, y_dev, langs, use_layer=True)
        if score > best:
            best, best_state, stale = score, {k: v.detach().clone() for k, v in layer.state_dict().items()}, 0
        else:
            stale += 1
            if stale >= settings.patience:
                break
    layer.load_state_dict(best_state)
    kept = best > without
    console.print(f"sequence layer: dev macro-F1 {best:.3f} with it, {without:.3f} without -> {'kept' if kept else 'dropped'}")
    if not kept:
        model.drop_sequence()
    return {"dev_macro_f1_with": round(best, 4), "dev_macro_f1_without": round(without, 4), "kept": kept, "epochs": epoch}
