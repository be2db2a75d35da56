"""Sentence probabilities for whole documents: the one inference path used by train, eval and score.

Training's dev checks, ``propmark eval`` and ``propmark score`` all go through
``document_predictions`` so the model always sees the same neighbouring context.

Texts are encoded sorted by token length in batches of about ``batch_tokens`` tokens
(padding included), so short lines go many to a pass and long ones few: on a 2-core Xeon
that is 1.43x the texts/s of 32-row batches in bf16, 1.18x in fp32. A text's embedding
still moves with its batch mates (the CPU's GEMM kernels depend on the batch shape: about
1e-6 in fp32, 7e-3 in bf16), so results are reproducible for the same groups of articles,
which is what resume, shards and Ray blocks keep fixed. The run-wide ``LineCache`` is
hand-written because it is a few lines over ``OrderedDict``.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import torch

from propmark.markers.calibration import scale_logits
from propmark.markers.model import MarkerModel


def embed_unique(model: MarkerModel, texts: list[str], batch_tokens: int) -> torch.Tensor:
    """Embed texts shortest first, each batch as many rows as fit ``batch_tokens`` once padded to a multiple of 8."""
    ids = model.token_ids(texts)
    order = sorted(range(len(texts)), key=lambda i: len(ids[i]))
    out = torch.empty(len(texts), model.encoder.config.hidden_size)
    start = 0
    while start < len(order):
        end = start + 1  # rows are sorted, so the last one sets the padded width
        while end < len(order) and (end + 1 - start) * -(-len(ids[order[end]]) // 8) * 8 <= batch_tokens:
            end += 1
        chunk = order[start:end]
        batch = model.tokenizer.pad({"input_ids": [ids[i] for i in chunk]}, padding=True, pad_to_multiple_of=8, return_tensors="pt")
        out[chunk] = model.embed(batch)
        start = end
    return out


class LineCache:
    """Embeddings of the lines a run has already encoded, the ``size`` most recently used kept.

    A crawl repeats a site's menus, footers and donation blocks on every page, far beyond
    one group of articles. Rows are keyed by a 128-bit BLAKE2b hash of the text (no text is
    kept) in one preallocated table, so memory is bounded: 50,000 rows of a 384-wide model
    are 77 MB. ``size`` 0 turns it off. A cached row was encoded beside other lines than a
    fresh one would be, so a run with the cache matches one without it to floating-point
    noise, not byte for byte (see the module docstring).
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._slots: OrderedDict[bytes, int] = OrderedDict()
        self._table: torch.Tensor | None = None

    def __len__(self) -> int:
        return len(self._slots)

    def embed(self, model: MarkerModel, texts: list[str], batch_tokens: int) -> torch.Tensor:
        """Embeddings of distinct ``texts``, encoding only those the cache does not hold."""
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        out = torch.empty(len(texts), model.encoder.config.hidden_size)
        held = [i for i, k in enumerate(keys) if k in self._slots]
        missing = [i for i, k in enumerate(keys) if k not in self._slots]
        if held:
            out[held] = self._table[[self._slots[keys[i]] for i in held]]
        if missing:
            out[missing] = embed_unique(model, [texts[i] for i in missing], batch_tokens)
        if self.size:
            if self._table is None:
                self._table = torch.empty(self.size, out.shape[1])
            for i, k in enumerate(keys):
                self._remember(k, out[i])
        return out

    def _remember(self, key: bytes, row: torch.Tensor) -> None:
        if key in self._slots:
            self._slots.move_to_end(key)
            return
        slot = self._slots.popitem(last=False)[1] if len(self._slots) >= self.size else len(self._slots)
        self._table[slot] = row
        self._slots[key] = slot


@torch.inference_mode()
def document_predictions(
    model: MarkerModel,
    documents: Sequence[Sequence[str]],
    batch_tokens: int = 2048,
    encode: Callable[[list[str]], torch.Tensor] | None = None,
    layouts: Sequence[Sequence[dict | None] | None] | None = None,
    cache: LineCache | None = None,
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per document, its (n_sentences, n_labels) calibrated marker probabilities and its unit embeddings.

    ``encode`` replaces the encoder (training with a frozen encoder passes its table of
    precomputed embeddings, so dev checks do not re-encode); ``layouts``, per document,
    each unit's HTML layout (``Block.as_dict``) or None, for the sequence layer; ``cache``,
    the run's ``LineCache``. The embeddings are kept because the credibility model reads
    them too (``credibility.probe``).
    """
    was_training = model.training
    model.eval()
    unique: dict[str, int] = {}
    for doc in documents:
        for text in doc:
            unique.setdefault(text, len(unique))
    if encode:
        embeddings = encode(list(unique))
    elif cache is not None:
        embeddings = cache.embed(model, list(unique), batch_tokens)
    else:
        embeddings = embed_unique(model, list(unique), batch_tokens)
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
