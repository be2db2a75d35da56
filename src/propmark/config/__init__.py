"""Configuration: defaults that ship inside the package, a user's file layered over them, validated.

The defaults live in ``propmark/config/defaults/*.yaml`` (package data, so a plain
``pip install .`` has them). A user's file names only what it changes: it is merged key by
key over the defaults (nested mappings too), then checked against a schema
(``propmark.config.schemas``), so an unknown or mistyped key is one clear error that names
it, never a ``KeyError`` deep in training. This is spaCy's ``default_config.cfg`` +
``fill_config`` + pydantic pattern, in YAML.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from propmark.errors import PropmarkError

Schema = TypeVar("Schema", bound=BaseModel)


def defaults_dir() -> Path:
    return Path(str(resources.files("propmark.config") / "defaults"))


def default_model_dir() -> Path:
    """The model that ships inside the package, unless ``$PROPMARK_MODEL`` names another folder."""
    return Path(os.environ.get("PROPMARK_MODEL") or Path(str(resources.files("propmark") / "models" / "default")))


def cache_dir() -> Path:
    """Rebuilt base encoders live here, outside git: ``$PROPMARK_CACHE`` or ``~/.cache/propmark``."""
    return Path(os.environ.get("PROPMARK_CACHE", Path.home() / ".cache" / "propmark"))


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PropmarkError(f"config file not found: {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise PropmarkError(f"cannot read config file {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise PropmarkError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise PropmarkError(f"{path} must hold a mapping at the top level")
    return data


@lru_cache(maxsize=None)
def load_config(name: str) -> dict[str, Any]:
    """The packaged defaults ``defaults/<name>.yaml`` (cached: they do not change while a process runs)."""
    return read_yaml(defaults_dir() / f"{name}.yaml")


def merge(base: Mapping[str, Any], update: Mapping[str, Any]) -> dict[str, Any]:
    """``update`` over ``base``, recursing into mappings that both hold; lists and scalars replace."""
    out = dict(base)
    for key, value in update.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = merge(out[key], value)
        else:
            out[key] = value
    return out


def _describe(error: dict, schema: type[BaseModel]) -> str:
    path = ".".join(str(part) for part in error["loc"])
    if error["type"] == "extra_forbidden":
        known = _known_keys(schema, error["loc"][:-1])
        close = difflib.get_close_matches(str(error["loc"][-1]), known, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else f" (known: {', '.join(sorted(known))})"
        return f"unknown setting {path!r}{hint}"
    return f"{path}: {error['msg']}"


def _known_keys(schema: type[BaseModel], loc: tuple) -> list[str]:
    model: Any = schema
    for part in loc:
        field = model.model_fields.get(str(part)) if hasattr(model, "model_fields") else None
        if field is None:
            return []
        model = field.annotation
    return list(model.model_fields) if hasattr(model, "model_fields") else []


def validate(schema: type[Schema], data: Mapping[str, Any], where: str) -> Schema:
    """Build ``schema`` from ``data``, turning every problem into one line that names the key."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        problems = "; ".join(_describe(e, schema) for e in exc.errors())
        raise PropmarkError(f"{where}: {problems}") from None


def layered(name: str, schema: type[Schema], user_file: Path | None = None, overrides: Mapping[str, Any] | None = None) -> Schema:
    """Packaged defaults, then the user's file, then explicit overrides (None means 'not given'), validated."""
    data = load_config(name)
    where = f"defaults/{name}.yaml"
    if user_file is not None:
        data = merge(data, read_yaml(user_file))
        where = str(user_file)
    if overrides:
        data = merge(data, {k: v for k, v in overrides.items() if v is not None})
    return validate(schema, data, where)


def label_names() -> list[str]:
    return list(load_config("labels")["labels"])
