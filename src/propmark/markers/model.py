"""The marker classifier: frozen encoder + LoRA adapters, mean pooling, and a context head.

Each sentence is encoded once; the head then looks at its embedding together with its
neighbours' (``context_window`` on each side) and its position in the article. Encoding
sentences independently keeps inference cost linear in sentences, and the neighbours
give the head what a human annotator uses: boilerplate runs, blocks of pleas.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from propmark.encoder import BaseEncoder, lora
from propmark.errors import ModelError
from propmark.markers.sequence import SequenceLayer, layout_features

N_POSITION_FEATURES = 4


@dataclass
class ModelSpec:
    """Everything needed to rebuild the classifier around a base encoder (saved as config.json)."""

    labels: list[str]
    base_encoder: str
    base_fingerprint: str
    text_prefix: str
    max_length: int
    context_window: int
    position_features: bool
    lora: dict  # LoraSettings as saved by training (config.schemas)
    head: dict  # HeadSettings
    thresholds: list[float] = field(default_factory=list)
    calibration: list[list[float]] = field(default_factory=list)  # Platt [a, b] per label; empty = none
    sequence: dict = field(default_factory=dict)  # SequenceSettings of the page-level layer; empty = none

    def __post_init__(self) -> None:
        if not self.thresholds:
            self.thresholds = [0.5] * len(self.labels)


def neighbour_index(n: int, window: int) -> torch.Tensor:
    """(n, 2*window+1) indices of each sentence and its neighbours in a document; -1 where none."""
    offsets = torch.arange(-window, window + 1)
    idx = torch.arange(n).unsqueeze(1) + offsets
    return torch.where((idx >= 0) & (idx < n), idx, torch.full_like(idx, -1))


def position_features(n: int, lengths: list[int]) -> torch.Tensor:
    """Relative position, is-first, is-last and a squashed character length per sentence."""
    pos = torch.arange(n, dtype=torch.float32)
    rel = pos / max(n - 1, 1)
    first = (pos == 0).float()
    last = (pos == n - 1).float()
    length = torch.tensor([min(x, 400) / 400 for x in lengths], dtype=torch.float32)
    return torch.stack([rel, first, last, length], dim=1)


class MarkerModel(nn.Module):
    def __init__(self, base: BaseEncoder, spec: ModelSpec) -> None:
        super().__init__()
        self.spec = spec
        self.autocast_bf16 = False  # set by runtime.optimize for inference
        self.precision = "fp32"
        self.tokenizer = base.tokenizer
        self.encoder = base.model
        if self.fine_tuned:
            if lora.inject(self.encoder, **spec.lora) == 0:
                raise ModelError(f"LoRA targets {spec.lora['targets']} match no linear layer of {spec.base_encoder}")
        else:
            self.encoder.requires_grad_(False)
        hidden = self.encoder.config.hidden_size
        width = (2 * spec.context_window + 1) * hidden
        width += N_POSITION_FEATURES if spec.position_features else 0
        self.head = nn.Sequential(
            nn.Linear(width, spec.head["hidden"]),
            nn.GELU(),
            nn.Dropout(spec.head["dropout"]),
            nn.Linear(spec.head["hidden"], len(spec.labels)),
        )
        self.sequence: SequenceLayer | None = None
        if spec.sequence:
            self.add_sequence(spec.sequence)

    def add_sequence(self, settings: dict) -> SequenceLayer:
        self.spec.sequence = dict(settings)
        self.sequence = SequenceLayer(self.encoder.config.hidden_size, len(self.spec.labels), N_POSITION_FEATURES,
                                      settings["hidden"], settings["project"], settings["dropout"], settings.get("layout", True))
        return self.sequence

    def drop_sequence(self) -> None:
        self.spec.sequence = {}
        self.sequence = None

    @property
    def fine_tuned(self) -> bool:
        """False when ``lora.rank`` is 0: the encoder stays frozen and only the head learns."""
        return int(self.spec.lora.get("rank", 0)) > 0

    def token_ids(self, texts: list[str]) -> list[list[int]]:
        """Each text's token ids as the encoder sees them (prefixed, truncated), unpadded."""
        return self.tokenizer([self.spec.text_prefix + t for t in texts], truncation=True,
                              max_length=self.spec.max_length)["input_ids"]

    def padded(self, ids: list[list[int]]) -> dict[str, torch.Tensor]:
        """Token ids as one batch, padded to a multiple of 8 (few tensor shapes: kernel caches stay small in long runs)."""
        return self.tokenizer.pad({"input_ids": ids}, padding=True, pad_to_multiple_of=8, return_tensors="pt")

    def tokenize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        return self.padded(self.token_ids(texts))

    def embed(self, batch: dict[str, torch.Tensor]) -> torch.Tensor:
        """Mean-pooled sentence embeddings (the pooling e5 was trained with)."""
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.autocast_bf16):
            hidden = self.encoder(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state
        hidden = hidden.float()
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        return (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def classify(self, embeddings: torch.Tensor, index: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """Logits for targets whose (self + neighbour) rows in ``embeddings`` are given by ``index``."""
        padded = torch.cat([embeddings, embeddings.new_zeros(1, embeddings.shape[1])])
        gathered = padded[torch.where(index < 0, embeddings.shape[0], index)]
        features = gathered.flatten(1)
        if self.spec.position_features:
            features = torch.cat([features, positions.to(features.dtype)], dim=1)
        return self.head(features)

    def document_logits(self, embeddings: torch.Tensor, lengths: list[int], layouts=None) -> torch.Tensor:
        """Logits of one document's units (embeddings in reading order): context head, then the sequence layer."""
        n = len(lengths)
        positions = position_features(n, lengths)
        logits = self.classify(embeddings, neighbour_index(n, self.spec.context_window), positions)
        if self.sequence is not None:
            logits = self.sequence(embeddings, logits, positions, layout_features(layouts, n))
        return logits

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.named_parameters() if v.requires_grad}
