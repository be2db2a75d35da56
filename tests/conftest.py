"""Shared fixtures: a tiny BERT encoder and tokenizer built here, and a model trained on it.

Unit and CLI tests run on this tiny encoder (a few seconds); only tests marked
``smoke`` touch the real multilingual base encoder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
TINY = DATA / "tiny.jsonl"
REPO = Path(__file__).resolve().parents[1]


def build_tiny_encoder(folder: Path, seed: int = 0, words: list[str] | None = None) -> Path:
    """Save a 2-layer BERT with a word-level tokenizer over the test vocabulary to ``folder``."""
    import torch
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel, PreTrainedTokenizerFast

    if words is None:
        words = sorted({w for line in TINY.read_text(encoding="utf-8").splitlines() for w in re.findall(r"\w+|[^\w\s]", line.lower())})
    specials = ["<s>", "<pad>", "</s>", "<unk>"]
    vocab = {tok: i for i, tok in enumerate(specials + words)}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.normalizer = normalizers.Lowercase()
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(single="<s> $A </s>", special_tokens=[("<s>", 0), ("</s>", 2)])
    fast = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>")
    fast.save_pretrained(folder)
    torch.manual_seed(seed)
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=128, pad_token_id=1)
    BertModel(config, add_pooling_layer=False).save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_encoder(tmp_path_factory.mktemp("tiny-encoder"))


def tiny_train_config(encoder: Path, output: Path, **overrides):
    from propmark.config.schemas import TrainConfig

    settings = dict(
        data=[str(TINY)], output=str(output), base_encoder=str(encoder), epochs=40, patience=100,
        batch_sentences=8, chunk_sentences=4, step_tokens=96, lr_lora=5e-3, lr_head=5e-3, max_length=32,
        dev_fraction=0.0, test_fraction=0.0, split_by="doc_id", threads=1,
        lora={"rank": 4, "alpha": 8, "dropout": 0.0, "targets": ["query", "value"]},
        head={"hidden": 32, "dropout": 0.0},
    )
    settings.update(overrides)
    return TrainConfig.load(**settings)


@pytest.fixture(scope="session")
def tiny_model(tiny_encoder: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from rich.console import Console

    from propmark.training.loop import train

    from propmark.markers import folder

    out = tmp_path_factory.mktemp("models") / "tiny"
    train(tiny_train_config(tiny_encoder, out), Console(quiet=True))
    # Its credibility model: hand-set weights on the real-page scale (the fit is tested on its
    # own), sealed into the folder as `fit-credibility` would.
    from propmark.credibility.features import feature_names
    from propmark.credibility.model import CredibilityModel

    names = feature_names()
    weights = {"unsourced_per_1k_words": 0.4, "appeal_per_1k_words": 0.3, "state_media_notices": 0.5}
    model = CredibilityModel(names, [weights.get(n, 0.0) for n in names], -1.1, {n: [0.5, 1.0] for n in names}, 1.5)
    folder.add_file(out, folder.CREDIBILITY, model.to_json())
    return out


@pytest.fixture(autouse=True)
def only_hand_checked_outlets(monkeypatch: pytest.MonkeyPatch):
    """Tests see the hand-checked outlet entries only, whatever list table this machine has built."""
    from propmark.credibility import lists, outlets

    monkeypatch.setattr(lists, "default_table", lambda: REPO / "tests" / "no-outlet-table.jsonl")
    lists.load.cache_clear()
    outlets.registry.cache_clear()
    yield
    lists.load.cache_clear()
    outlets.registry.cache_clear()
