"""The shapes of the user-facing settings: what a key may be called and what values it takes.

Defaults are not repeated here: they live once, in ``defaults/*.yaml``, and a user's
file is layered over them before validation, so every field is required at this point.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False)


class LoraSettings(_Strict):
    rank: int = Field(ge=0, description="0 freezes the encoder: only the head learns")
    alpha: float = Field(gt=0)
    dropout: float = Field(ge=0, lt=1)
    targets: list[str] = Field(min_length=1)
    last_layers: int = Field(ge=0, description="adapt only the top N layers; 0 = all")


class HeadSettings(_Strict):
    hidden: int = Field(ge=1)
    dropout: float = Field(ge=0, lt=1)


class SequenceSettings(_Strict):
    enabled: bool
    hidden: int = Field(ge=1)
    project: int = Field(ge=1)
    dropout: float = Field(ge=0, lt=1)
    layout: bool
    epochs: int = Field(ge=1)
    patience: int = Field(ge=1)
    lr: float = Field(gt=0)


class TrainConfig(_Strict):
    """``propmark train`` settings (defaults/train.yaml documents each one)."""

    data: list[str] = Field(min_length=1)
    output: str
    base_encoder: str
    seed: int
    threads: int = Field(ge=0)
    bf16: bool
    text_prefix: str
    max_length: int = Field(ge=8)
    context_window: int = Field(ge=0)
    position_features: bool
    lora: LoraSettings
    head: HeadSettings
    sequence: SequenceSettings
    init_from: str | None = None
    epochs: int = Field(ge=0)
    patience: int = Field(ge=1)
    batch_sentences: int = Field(ge=1)
    step_tokens: int = Field(ge=8)
    chunk_sentences: int = Field(ge=1)
    lr_lora: float = Field(gt=0)
    lr_head: float = Field(gt=0)
    weight_decay: float = Field(ge=0)
    warmup_ratio: float = Field(ge=0, lt=1)
    split_by: Literal["outlet", "doc_id"]
    dev_fraction: float = Field(ge=0, le=0.9)
    test_fraction: float = Field(ge=0, le=0.9)
    pin_to_train: list[str]
    held_out: Literal["real", "any"]
    train_sources: list[Literal["own", "real"]] = Field(min_length=1)
    source_weights: dict[Literal["own", "real"], float]
    max_chunks_per_doc: int = Field(ge=0)
    max_steps: int = Field(ge=0, description="0 = no cap")

    @classmethod
    def load(cls, path=None, **overrides) -> "TrainConfig":
        from propmark.config import layered

        if isinstance(overrides.get("data"), str):
            overrides["data"] = [overrides["data"]]
        return layered("train", cls, path, overrides)


class BatchConfig(_Strict):
    """``propmark score`` settings (defaults/batch.yaml)."""

    max_file_mb: float = Field(gt=0)
    max_article_chars: int = Field(ge=1)
    group_articles: int = Field(ge=1)
    batch_tokens: int = Field(ge=1)
    fsync_every: int = Field(ge=1)
    html_main_only: bool
    precision: Literal["fp32", "bf16", "int8"]
    threads: int = Field(ge=0)

    @classmethod
    def load(cls, path=None, **overrides) -> "BatchConfig":
        from propmark.config import layered

        return layered("batch", cls, path, overrides)
