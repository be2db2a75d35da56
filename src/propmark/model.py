"""The marker classifier: frozen encoder + LoRA adapters, mean pooling, and a context head.

Each sentence is encoded once; the head then looks at its embedding together with its
neighbours' (``context_window`` on each side) and its position in the article. Encoding
sentences independently keeps inference cost linear in sentences, and the neighbours
give the head what a human annotator uses: boilerplate runs, blocks of pleas.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from propmark import lora
from propmark.atomic import atomic_dir, sha256_file
from propmark.encoder import BaseEncoder, load_base
from propmark.errors import ModelError

WEIGHTS = "adapter.safetensors"
CONFIG = "config.json"
MANIFEST = "manifest.json"
N_POSITION_FEATURES = 4


@dataclass
class ModelSpec:
    """Everything needed to rebuild the classifier around a base encoder (saved as config.json)."""

    labels: list[str]
    base_encoder: str
    base_fingerprint: str
    text_prefix: str = "query: "
    max_length: int = 96
    context_window: int = 1
    position_features: bool = True
    lora: dict = field(default_factory=lambda: {"rank": 8, "alpha": 16, "dropout": 0.05, "targets": ["query", "value"]})
    head: dict = field(default_factory=lambda: {"hidden": 256, "dropout": 0.1})
    thresholds: list[float] = field(default_factory=list)
    calibration: list[list[float]] = field(default_factory=list)  # Platt [a, b] per label; empty = none

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

    @property
    def fine_tuned(self) -> bool:
        """False when ``lora.rank`` is 0: the encoder stays frozen and only the head learns."""
        return int(self.spec.lora.get("rank", 0)) > 0

    def tokenize(self, texts: list[str]) -> dict[str, torch.Tensor]:
        return self.tokenizer(
            [self.spec.text_prefix + t for t in texts],
            padding=True,
            truncation=True,
            max_length=self.spec.max_length,
            pad_to_multiple_of=8,  # few distinct tensor shapes: kernel caches stay small in long runs
            return_tensors="pt",
        )

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

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {k: v.detach().clone() for k, v in self.named_parameters() if v.requires_grad}


def save(model: MarkerModel, out_dir: Path, metrics: dict, card: str) -> None:
    """Write the model folder atomically: adapters + head, spec, metrics, card, and a checksum manifest."""
    with atomic_dir(out_dir) as tmp:
        save_file({k: v.contiguous() for k, v in model.trainable_state().items()}, str(tmp / WEIGHTS))
        (tmp / CONFIG).write_text(json.dumps(asdict(model.spec), indent=2, ensure_ascii=False) + "\n")
        (tmp / "metrics.json").write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n")
        (tmp / "README.md").write_text(card)
        manifest = {name: sha256_file(tmp / name) for name in (WEIGHTS, CONFIG)}
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")


def read_spec(model_dir: Path) -> ModelSpec:
    """Check the folder is complete and unaltered, then read its spec (no weights touched yet)."""
    if not model_dir.is_dir():
        raise ModelError(f"model folder not found: {model_dir}")
    for name in (CONFIG, WEIGHTS, MANIFEST):
        if not (model_dir / name).is_file():
            raise ModelError(f"{model_dir} is not a propmark model: {name} is missing")
    try:
        manifest = json.loads((model_dir / MANIFEST).read_text())
        for name, digest in manifest.items():
            if sha256_file(model_dir / name) != digest:
                raise ModelError(f"{model_dir / name} was altered after training (checksum mismatch); refusing to load")
        return ModelSpec(**json.loads((model_dir / CONFIG).read_text()))
    except (json.JSONDecodeError, TypeError, OSError) as exc:
        raise ModelError(f"{model_dir} holds an unreadable model config: {exc}") from exc


def load(model_dir: Path, base: BaseEncoder | None = None) -> MarkerModel:
    """Load a model folder onto its base encoder, refusing any other encoder."""
    spec = read_spec(model_dir)
    base = base or load_base(spec.base_encoder)
    if base.fingerprint != spec.base_fingerprint:
        raise ModelError(
            f"{model_dir} was trained on base encoder {spec.base_encoder!r} with fingerprint "
            f"{spec.base_fingerprint[:12]}..., but the loaded encoder has {base.fingerprint[:12]}...; "
            "retrain the model or install the encoder it was trained on"
        )
    model = MarkerModel(base, spec)
    state = load_file(str(model_dir / WEIGHTS))
    expected = set(model.trainable_state())
    if set(state) != expected:
        raise ModelError(f"{model_dir / WEIGHTS} does not fit this architecture (tensor names differ)")
    model.load_state_dict(state, strict=False)
    model.eval()
    return model
