"""Locations and YAML configuration: one place that knows where configs, models and caches live."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from propmark.errors import PropmarkError

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def config_dir() -> Path:
    return Path(os.environ.get("PROPMARK_CONFIG_DIR", PROJECT_ROOT / "configs"))


def default_model_dir() -> Path:
    return Path(os.environ.get("PROPMARK_MODEL", PROJECT_ROOT / "model"))


def cache_dir() -> Path:
    """Rebuilt base encoders live here, outside git: ``$PROPMARK_CACHE`` or ``~/.cache/propmark``."""
    return Path(os.environ.get("PROPMARK_CACHE", Path.home() / ".cache" / "propmark"))


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PropmarkError(f"config file not found: {path}") from exc
    except yaml.YAMLError as exc:
        raise PropmarkError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PropmarkError(f"{path} must hold a mapping at the top level")
    return data


@lru_cache(maxsize=None)
def load_config(name: str) -> dict[str, Any]:
    """Read ``configs/<name>.yaml`` (cached: configs do not change while a process runs)."""
    return read_yaml(config_dir() / f"{name}.yaml")


def label_names() -> list[str]:
    return list(load_config("labels")["labels"])
