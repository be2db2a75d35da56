"""Fine-tune the marker classifier: LoRA on the encoder, a context head, per-label thresholds.

Batches are chunks of consecutive sentences from one article, encoded together with
their neighbours, so training sees exactly the context that scoring sees.

After each step the freed heap is handed back to the system (glibc's ``malloc_trim``):
each step's activations have another shape, and glibc keeps what they freed, so resident
memory climbed from 2.0 GB after one step to a 4.08 GB peak over an epoch. Trimmed, the
same epoch peaks at 3.10 GB and takes 13.2 instead of 12.6 minutes (every 4 steps: 3.64 GB;
figures in the README's Performance section).

oneDNN also keeps a compiled kernel (and the buffers it holds) for each of the last 1,024
matmul shapes it met, and training meets hundreds (rows and padded lengths vary by step).
Training keeps ``KERNEL_CACHE`` of them: one epoch, paired on the same machine in the same
hour, peaked at 2.70 GB against 3.12 GB for 2.6% more time (18:34 against 18:06), with
byte-identical adapters: a kernel rebuilt for a shape computes what the cached one did.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from propmark.markers import folder as model_io
from propmark.markers.calibration import fit_platt, recalibrate
from propmark.markers.card import model_card
from propmark.config import label_names
from propmark.config.schemas import TrainConfig
from propmark.training.corpus import Document, load_documents, split_groups, split_sites
from propmark.training.sequence import fit_sequence
from propmark.encoder import load_base
from propmark.errors import PropmarkError
from propmark.markers.inference import document_probabilities, embed_by_length
from propmark.markers.metrics import best_thresholds, evaluate, label_matrix
from propmark.markers.model import MarkerModel, ModelSpec, neighbour_index, position_features
from propmark.markers.optimize import bf16_supported

KERNEL_CACHE = 8  # oneDNN primitives kept (its default is 1,024); a user's ONEDNN_PRIMITIVE_CACHE_CAPACITY wins


def _trim_heap() -> Callable[[], object]:
    """``malloc_trim(0)`` where the C library is glibc; elsewhere nothing."""
    try:
        trim = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
    except (OSError, AttributeError):
        return lambda: None
    return lambda: trim(0)


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def _chunks(docs: list[Document], size: int, per_doc: int = 0, rng: random.Random | None = None) -> list[tuple[int, int, int]]:
    """Runs of ``size`` consecutive sentences; with ``per_doc``, a random ``per_doc`` of each document's runs."""
    out = []
    for d, doc in enumerate(docs):
        runs = [(d, s, min(s + size, len(doc.sentences))) for s in range(0, len(doc.sentences), size)]
        if per_doc and len(runs) > per_doc and rng is not None:
            runs = sorted(rng.sample(runs, per_doc))
        out.extend(runs)
    return out


def split(cfg: TrainConfig, docs: list[Document], console: Console) -> tuple[list[Document], list[Document], list[Document], list[Document]]:
    """Train, dev, test and the own held-out documents, as ``cfg.held_out`` and ``cfg.train_sources`` say.

    Imported corpora label only some markers, so they train but never judge. With
    ``held_out: real`` the real documents judge (split by site, so no site is both trained
    and tested) and the project's own text trains, a ``test_fraction`` of it held out as a
    secondary row; without real documents, or with ``held_out: any``, all fully annotated
    documents are split together.
    """
    imported = [d for d in docs if d.annotated is not None]
    full = [d for d in docs if d.annotated is None]
    real = [d for d in full if d.real]
    own = [d for d in full if not d.real]
    if cfg.held_out == "real" and not real:
        console.print("[yellow]no real documents in the data (propmark import real): dev and test come from the own text[/]")
    if cfg.held_out == "real" and real:
        real_train, dev, test = split_sites(real, cfg.dev_fraction, cfg.test_fraction, cfg.seed)
        own_train, own_test = split_groups(own, [cfg.test_fraction], cfg.seed, cfg.split_by, cfg.pin_to_train) if own else ([], [])
    else:
        own_train, dev, test = split_groups(full, [cfg.dev_fraction, cfg.test_fraction], cfg.seed, cfg.split_by, cfg.pin_to_train)
        real_train, own_test = [], []
    train = [d for d in own_train + imported if "own" in cfg.train_sources]
    train += real_train if "real" in cfg.train_sources else []
    return train, dev, test, own_test


Encode = Callable[[list[str]], torch.Tensor]


def _live_encoder(model: MarkerModel, step_tokens: int) -> Encode:
    return lambda texts: embed_by_length(model, texts, step_tokens)


def _frozen_encoder(model: MarkerModel, docs: list[Document], batch_tokens: int) -> Encode:
    """With the encoder frozen, every training sentence is embedded once, up front (in eval mode)."""
    unique = list(dict.fromkeys(t for d in docs for t in d.sentences))
    model.eval()
    with torch.no_grad():
        table = embed_by_length(model, unique, batch_tokens)
    model.train()
    row = {t: i for i, t in enumerate(unique)}
    return lambda texts: table[[row[t] for t in texts]]


def _batch_loss(model: MarkerModel, encode: Encode, docs: list[Document], chunks: list[tuple[int, int, int]], labels: list[str],
                weights: dict[str, float]) -> torch.Tensor:
    """Encode each chunk with ``context_window`` extra sentences on each side; loss on the chunk only."""
    w = model.spec.context_window
    texts: list[str] = []
    index_rows, position_rows, targets, masks = [], [], [], []
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
        masks.append(torch.tensor(doc.loss_weights(labels, weights)).expand(end - start, -1))
    logits = model.classify(encode(texts), torch.cat(index_rows), torch.cat(position_rows))
    mask = torch.cat(masks)
    losses = torch.nn.functional.binary_cross_entropy_with_logits(logits, torch.cat(targets), reduction="none")
    return (losses * mask).sum() / mask.sum().clamp(min=1.0)


def _predict(model: MarkerModel, docs: list[Document], encode: Encode | None = None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    probs = document_probabilities(model, [d.sentences for d in docs], encode=encode, layouts=[d.layouts for d in docs])
    y_true = label_matrix([lab for d in docs for lab in d.labels], model.spec.labels)
    langs = [d.lang for d in docs for _ in d.sentences]
    return y_true, np.concatenate(probs) if probs else np.zeros((0, len(model.spec.labels))), langs


def _progress(console: Console) -> Progress:
    return Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
        TextColumn("{task.fields[status]}"), console=console, transient=False,
    )


def _start_from(folder: Path, base, labels: list[str]) -> MarkerModel:
    """A model folder's encoder adapters and head, on ``base``, without its page layer (refit here)."""
    loaded = model_io.load(folder, base)
    if loaded.spec.labels != labels:
        raise PropmarkError(f"{folder} predicts {loaded.spec.labels}, the labels are now {labels}")
    loaded.drop_sequence()
    loaded.spec.calibration, loaded.spec.thresholds = [], []
    loaded.train()
    return loaded


def train(cfg: TrainConfig, console: Console | None = None, replace: bool = False) -> dict:
    """Train, choose thresholds on dev, measure on the held-out test split, write the model folder.

    ``replace`` allows ``cfg.output`` to be an existing model folder (``propmark train --force``).
    """
    console = console or Console(stderr=True)
    model_io.check_output(Path(cfg.output), replace)  # before minutes of training, not after
    # read by oneDNN when it first builds a kernel, so it counts only before this process's first matmul
    os.environ.setdefault("ONEDNN_PRIMITIVE_CACHE_CAPACITY", str(KERNEL_CACHE))
    seed_everything(cfg.seed)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    labels = label_names()
    docs = load_documents([Path(p) for p in cfg.data], labels)
    if not any(labels_of for d in docs for labels_of in d.labels):
        raise PropmarkError("the training data holds no marker labels (every sentence is unlabeled): nothing to learn")
    restricted = [d for d in docs if d.use == "eval-only"]
    if restricted:
        raise PropmarkError(
            f"{len(restricted)} document(s) come from research-only corpora (use: eval-only), e.g. {restricted[0].doc_id}; "
            "their licences allow measuring, not training"
        )
    train_docs, dev_docs, test_docs, own_test = split(cfg, docs, console)
    if not train_docs:
        raise PropmarkError("no training documents left after the dev/test split; lower the fractions or check train_sources")
    console.print(
        f"[bold]data[/]: {sum(len(d.sentences) for d in docs)} sentences in {len(docs)} documents -> "
        f"train {len(train_docs)} / dev {len(dev_docs)} / test {len(test_docs)} documents"
        + (f" / own held out {len(own_test)}" if own_test else "") + f" (held out: {cfg.held_out})"
    )
    base = load_base(cfg.base_encoder)
    if cfg.init_from:
        model = _start_from(Path(cfg.init_from), base, labels)
        spec = model.spec
        console.print(f"[bold]starting from[/] {cfg.init_from} (its adapters and head; page layer, calibration and thresholds refit)")
    else:
        spec = ModelSpec(
            labels=labels, base_encoder=cfg.base_encoder, base_fingerprint=base.fingerprint,
            text_prefix=cfg.text_prefix, max_length=cfg.max_length, context_window=cfg.context_window,
            position_features=cfg.position_features, lora=cfg.lora.model_dump(), head=cfg.head.model_dump(),
        )  # the sequence layer is added after the encoder has trained (fit_sequence)
        model = MarkerModel(base, spec)
    model.autocast_bf16 = cfg.bf16 and bf16_supported()
    lora_params = [p for n, p in model.named_parameters() if p.requires_grad and "lora_" in n]
    head_params = list(model.head.parameters())
    groups = [{"params": head_params, "lr": cfg.lr_head}] + ([{"params": lora_params, "lr": cfg.lr_lora}] if lora_params else [])
    optimizer = torch.optim.AdamW(groups, weight_decay=cfg.weight_decay)
    if not model.fine_tuned:
        console.print("[bold]encoder frozen[/] (lora rank 0): embedding every sentence once")
    # A frozen encoder's table of embeddings serves training and the dev and test predictions.
    frozen = None if model.fine_tuned else _frozen_encoder(model, train_docs + dev_docs + test_docs + own_test,
                                                            cfg.batch_sentences * model.spec.max_length)
    encode = frozen or _live_encoder(model, cfg.step_tokens)
    rng = random.Random(cfg.seed)
    chunks = _chunks(train_docs, cfg.chunk_sentences, cfg.max_chunks_per_doc, rng)
    per_step = max(1, cfg.batch_sentences // cfg.chunk_sentences)
    steps_per_epoch = (len(chunks) + per_step - 1) // per_step
    total = steps_per_epoch * cfg.epochs if not cfg.max_steps else min(cfg.max_steps, steps_per_epoch * cfg.epochs)
    warmup = max(1, int(cfg.warmup_ratio * total))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    best = {"macro_f1": -1.0, "epoch": 0, "state": model.trainable_state()}
    history, step, stale = [], 0, 0
    trim_heap = _trim_heap()
    started = time.time()
    model.train()
    with _progress(console) as progress:
        task = progress.add_task("training", total=total, status="")
        for epoch in range(1, cfg.epochs + 1):
            if epoch > 1 and cfg.max_chunks_per_doc:
                chunks = _chunks(train_docs, cfg.chunk_sentences, cfg.max_chunks_per_doc, rng)
            rng.shuffle(chunks)
            running = []
            for i in range(0, len(chunks), per_step):
                if step >= total:
                    break
                loss = _batch_loss(model, encode, train_docs, chunks[i : i + per_step], labels, cfg.source_weights)
                optimizer.zero_grad()
                loss.backward()
                torch.nn.utils.clip_grad_norm_(lora_params + head_params, 1.0)
                optimizer.step()
                scheduler.step()
                step += 1
                trim_heap()
                running.append(loss.item())
                progress.update(task, advance=1, status=f"epoch {epoch} loss {np.mean(running[-20:]):.4f}")
            entry = {"epoch": epoch, "train_loss": float(np.mean(running)) if running else None}
            if dev_docs:
                y_dev, p_dev, langs = _predict(model, dev_docs, frozen)
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
    metrics: dict[str, Any] = {"history": history, "best_epoch": best["epoch"]}
    if cfg.sequence.enabled and dev_docs:
        metrics["sequence"] = fit_sequence(model, train_docs, dev_docs, cfg, console, frozen)
    metrics["train_seconds"] = round(time.time() - started, 1)
    if dev_docs:
        y_dev, p_dev, langs = _predict(model, dev_docs, frozen)
        spec.calibration = fit_platt(y_dev, p_dev)
        p_dev = recalibrate(p_dev, spec.calibration)
        spec.thresholds = best_thresholds(y_dev, p_dev)
        metrics["dev"] = evaluate(y_dev, p_dev >= np.array(spec.thresholds), labels, langs, p_dev)
    if test_docs:
        y_test, p_test, langs = _predict(model, test_docs, frozen)
        metrics["test"] = evaluate(y_test, p_test >= np.array(spec.thresholds), labels, langs, p_test)
    if own_test:
        y_own, p_own, langs = _predict(model, own_test, frozen)
        metrics["own_test"] = evaluate(y_own, p_own >= np.array(spec.thresholds), labels, langs, p_own)
    metrics["split"] = {
        "by": "site" if cfg.held_out == "real" and any(d.real for d in docs) else cfg.split_by, "seed": cfg.seed,
        "held_out": cfg.held_out, "train_sources": cfg.train_sources,
        "documents": {"train": len(train_docs), "dev": len(dev_docs), "test": len(test_docs), "own_test": len(own_test)},
        "own_test_doc_ids": [d.doc_id for d in own_test],
        "test_doc_ids": [d.doc_id for d in test_docs],
        "dev_doc_ids": [d.doc_id for d in dev_docs],
    }
    metrics["config"] = cfg.model_dump()
    kept = model_io.save(model, Path(cfg.output), metrics, model_card(spec, metrics), replace)
    if kept:
        console.print(f"[yellow]{kept}[/]")
    return metrics
