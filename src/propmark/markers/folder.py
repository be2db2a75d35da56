"""A model folder on disk: what is in it, that it is unaltered, and how it is written.

A folder holds the marker model (adapters + head, its spec), its metrics and card, and,
once fitted, the credibility model learned on that marker model's predictions. Every file
is listed with its sha256 in ``manifest.json`` and checked before anything is loaded, so
an edited ``credibility.json`` cannot silently turn a "high" article "low". Folders are
written into a scratch folder and renamed into place; a folder that holds files propmark
did not write is never replaced.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import asdict
from pathlib import Path

from safetensors.torch import load_file, save_file

from propmark.credibility.model import FILE as CREDIBILITY
from propmark.encoder import BaseEncoder, load_base
from propmark.errors import ModelError
from propmark.io.files import atomic_dir, sha256_file, write_text
from propmark.markers.model import MarkerModel, ModelSpec

WEIGHTS = "adapter.safetensors"
CONFIG = "config.json"
METRICS = "metrics.json"
CARD = "README.md"
MANIFEST = "manifest.json"
REQUIRED = (CONFIG, WEIGHTS, MANIFEST)


def fingerprint(manifest: dict[str, str]) -> str:
    """What identifies a model's results (weights, spec, credibility model), short enough to stamp on each."""
    parts = [manifest[WEIGHTS], manifest[CONFIG], manifest.get(CREDIBILITY, "")]
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]


def read_manifest(model_dir: Path) -> dict[str, str]:
    try:
        manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{model_dir / MANIFEST} is unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or not all(isinstance(v, str) for v in manifest.values()):
        raise ModelError(f"{model_dir / MANIFEST} is not a checksum manifest")
    return manifest


def verify(model_dir: Path) -> dict[str, str]:
    """Check the folder is a complete, unaltered model folder; returns its manifest."""
    if not model_dir.is_dir():
        raise ModelError(f"model folder not found: {model_dir}")
    for name in REQUIRED:
        if not (model_dir / name).is_file():
            raise ModelError(f"{model_dir} is not a propmark model: {name} is missing")
    manifest = read_manifest(model_dir)
    for name in (CONFIG, WEIGHTS):
        if name not in manifest:
            raise ModelError(f"{model_dir / MANIFEST} does not list {name}")
    if (model_dir / CREDIBILITY).exists() and CREDIBILITY not in manifest:
        raise ModelError(f"{model_dir / CREDIBILITY} is not in the folder's manifest (added by hand?); refusing to load")
    for name, digest in manifest.items():
        path = model_dir / name
        if not path.is_file():
            raise ModelError(f"{path} is listed in the manifest but missing")
        if sha256_file(path) != digest:
            raise ModelError(f"{path} was altered after it was written (checksum mismatch); refusing to load")
    return manifest


def read_spec(model_dir: Path) -> ModelSpec:
    """Verify the folder, then read its spec (no weights touched yet)."""
    verify(model_dir)
    try:
        return ModelSpec(**json.loads((model_dir / CONFIG).read_text(encoding="utf-8")))
    except (json.JSONDecodeError, TypeError, OSError, UnicodeDecodeError) as exc:
        raise ModelError(f"{model_dir} holds an unreadable model config: {exc}") from exc


def _is_model_folder(path: Path) -> bool:
    return (path / MANIFEST).is_file() and (path / CONFIG).is_file()


def check_output(out_dir: Path, replace: bool) -> None:
    """Refuse a training target that is not absent, empty, or (with ``replace``) a propmark model folder."""
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise ModelError(f"{out_dir} is a file, not a model folder")
    if not any(out_dir.iterdir()):
        return
    if not _is_model_folder(out_dir):
        raise ModelError(f"{out_dir} holds files that are not a propmark model; choose another --output")
    if not replace:
        raise ModelError(f"{out_dir} already holds a model: add --force to replace it (its credibility model is kept), "
                         "or choose another --output")


def save(model: MarkerModel, out_dir: Path, metrics: dict, card: str, replace: bool = False) -> str | None:
    """Write the model folder atomically, every file in the manifest.

    A credibility model already in ``out_dir`` is kept (it was fitted on the previous marker
    model's predictions; the returned message says to refit it). ``out_dir`` must be absent,
    empty, or, with ``replace``, a propmark model folder: anything else is refused.
    """
    kept = None
    check_output(out_dir, replace)
    with atomic_dir(out_dir) as tmp:
        save_file({k: v.contiguous() for k, v in model.trainable_state().items()}, str(tmp / WEIGHTS))
        (tmp / CONFIG).write_text(json.dumps(asdict(model.spec), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / METRICS).write_text(json.dumps(metrics, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (tmp / CARD).write_text(card, encoding="utf-8")
        if (out_dir / CREDIBILITY).is_file():
            shutil.copy2(out_dir / CREDIBILITY, tmp / CREDIBILITY)
            kept = (f"kept {CREDIBILITY} from the previous model in {out_dir}: it was fitted on another marker model's "
                    f"predictions, so refit it with `propmark fit-credibility --model {out_dir}`")
        _write_manifest(tmp)
    return kept


def _write_manifest(folder: Path) -> None:
    names = sorted(p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST and not p.name.startswith("."))
    write_text(folder / MANIFEST, json.dumps({name: sha256_file(folder / name) for name in names}, indent=2) + "\n")


def add_file(model_dir: Path, name: str, text: str) -> None:
    """Write ``name`` into a verified model folder and re-seal the manifest (fit-credibility)."""
    verify(model_dir)
    write_text(model_dir / name, text)
    _write_manifest(model_dir)


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


def split_ids(model_dir: Path) -> tuple[set[str], set[str]]:
    """The documents the model's training held out: its dev split, and its test split with the own held-out articles."""
    path = model_dir / METRICS
    try:
        split = json.loads(path.read_text(encoding="utf-8"))["split"]
        return set(split["dev_doc_ids"]), set(split["test_doc_ids"]) | set(split.get("own_test_doc_ids", []))
    except (OSError, KeyError, TypeError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelError(f"{path} does not record a dev/test split") from exc


def held_out_ids(model_dir: Path) -> set[str]:
    """The test documents (real and own): those ``eval --held-out`` scores and the credibility fit keeps out of training."""
    return split_ids(model_dir)[1]
