"""Sentence probabilities for whole documents: the one inference path used by train, eval and score.

Training's dev checks, ``propmark eval`` and ``propmark score`` all go through
``document_predictions`` so the model always sees the same neighbouring context.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import torch

from propmark.markers.calibration import scale_logits
from propmark.markers.model import MarkerModel


def embed_unique(model: MarkerModel, texts: list[str], batch_size: int) -> torch.Tensor:
    """Embed each distinct text once, in length-sorted batches (less padding, repeated boilerplate free)."""
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = torch.empty(len(texts), model.encoder.config.hidden_size)
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        out[chunk] = model.embed(model.tokenize([texts[i] for i in chunk]))
    return out


@torch.inference_mode()
def document_predictions(
    model: MarkerModel,
    documents: Sequence[Sequence[str]],
    batch_size: int = 32,
    encode: Callable[[list[str]], torch.Tensor] | None = None,
    layouts: Sequence[Sequence[dict | None] | None] | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per document, its (n_sentences, n_labels) calibrated marker probabilities and its unit embeddings.

    ``encode`` replaces the encoder (training with a frozen encoder passes its table of
    precomputed embeddings, so dev checks do not re-encode); ``layouts``, per document,
    each unit's HTML layout (``Block.as_dict``) or None, for the sequence layer. The
    embeddings are kept because the credibility model reads them too (``credibility.probe``).
    """
    was_training = model.training
    model.eval()
    unique: dict[str, int] = {}
    for doc in documents:
        for text in doc:
            unique.setdefault(text, len(unique))
    embeddings = encode(list(unique)) if encode else embed_unique(model, list(unique), batch_size)
    results = []
    for n, doc in enumerate(documents):
        if not doc:
            results.append((np.zeros((0, len(model.spec.labels)), dtype=np.float32), np.zeros((0, embeddings.shape[1]), dtype=np.float32)))
            continue
        rows = embeddings[[unique[t] for t in doc]]
        logits = model.document_logits(rows, [len(t) for t in doc], layouts[n] if layouts else None)
        logits = scale_logits(logits, model.spec.calibration)
        results.append((torch.sigmoid(logits).numpy(), rows.float().numpy()))
    model.train(was_training)
    return results


def document_probabilities(*args, **kwargs) -> list[np.ndarray]:
    """``document_predictions`` (same arguments), the probabilities alone: for callers that do not read embeddings."""
    return [probs for probs, _ in document_predictions(*args, **kwargs)]
