import json
from pathlib import Path

import pytest

from propmark.config import label_names
from propmark.training.corpus import Document, load_documents, split_groups
from propmark.errors import DataError

from conftest import TINY


def write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_documents_in_file_order() -> None:
    docs = load_documents([TINY], label_names())
    assert [d.doc_id for d in docs] == ["t-de-1", "t-nb-1", "t-en-1"]
    assert docs[0].sentences[2].startswith("Experten zufolge")
    assert docs[0].labels[2] == ["unsourced_attribution"]
    assert docs[1].lang == "nb" and docs[1].outlet == "Nordlys"


def test_records_without_doc_id_are_single_sentence_documents(tmp_path: Path) -> None:
    path = write(tmp_path, [json.dumps({"text": "A."}), json.dumps({"text": "B.", "labels": ["appeal"], "extra": 1})])
    docs = load_documents([path], label_names())
    assert [len(d.sentences) for d in docs] == [1, 1]
    assert docs[1].labels == [["appeal"]]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "ok"', "broken JSON"),
        ('{"labels": []}', "missing or empty 'text'"),
        ('{"text": "x", "labels": ["propaganda"]}', "unknown label"),
        ('{"text": "x", "labels": "appeal"}', "must be a list"),
        ('["x"]', "JSON object"),
    ],
)
def test_bad_record_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, [json.dumps({"text": "fine"}), line])
    with pytest.raises(DataError) as info:
        load_documents([path], label_names())
    assert f"{path}:2" in str(info.value) and message in str(info.value)


def test_doc_id_must_be_consecutive(tmp_path: Path) -> None:
    rows = [{"text": "a", "doc_id": "x"}, {"text": "b", "doc_id": "y"}, {"text": "c", "doc_id": "x"}]
    path = write(tmp_path, [json.dumps(r) for r in rows])
    with pytest.raises(DataError, match="consecutive"):
        load_documents([path], label_names())


def test_missing_path_is_a_data_error(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_documents([tmp_path / "nope.jsonl"], label_names())


def _docs(n_outlets: int, per_outlet: int) -> list[Document]:
    return [
        Document(doc_id=f"o{o}-{i}", sentences=["s"] * 10, labels=[[]] * 10, outlet=f"outlet{o}")
        for o in range(n_outlets) for i in range(per_outlet)
    ]


def test_split_by_outlet_never_shares_an_outlet_across_parts() -> None:
    parts = split_groups(_docs(20, 3), [0.2, 0.2], seed=1, by="outlet")
    outlets = [{d.outlet for d in part} for part in parts]
    assert all(part for part in parts)
    assert not (outlets[0] & outlets[1] or outlets[0] & outlets[2] or outlets[1] & outlets[2])
    assert sum(len(p) for p in parts) == 60


def test_split_is_deterministic_and_pins_documents() -> None:
    docs = _docs(20, 3) + [Document(doc_id="seed-1", sentences=["s"], labels=[[]], outlet="RT")]
    a = split_groups(docs, [0.2, 0.2], seed=3, by="doc_id", pinned=["seed-"])
    b = split_groups(docs, [0.2, 0.2], seed=3, by="doc_id", pinned=["seed-"])
    assert [[d.doc_id for d in p] for p in a] == [[d.doc_id for d in p] for p in b]
    assert any(d.doc_id == "seed-1" for d in a[0])
