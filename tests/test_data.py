import json
from pathlib import Path

import pytest

from propmark.config import label_names
from propmark.training.corpus import Document, load_documents, split_groups, split_sites
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


def _real(n_sites: int, per_site: int = 2) -> list[Document]:
    return [
        Document(doc_id=f"r{s}-{i}", sentences=["s"] * 10, labels=[[]] * 10, outlet=f"site{s}.example", corpus="trafilatura_eval")
        for s in range(n_sites) for i in range(per_site)
    ]


def test_site_split_keeps_sites_where_they_were_when_documents_are_added() -> None:
    small = split_sites(_real(40), 0.2, 0.2, seed=5)
    large = split_sites(_real(200), 0.2, 0.2, seed=5)
    place = {d.outlet: n for n, part in enumerate(large) for d in part}
    assert all(place[d.outlet] == n for n, part in enumerate(small) for d in part)
    sites = [{d.outlet for d in part} for part in large]
    assert not (sites[0] & sites[1] or sites[0] & sites[2] or sites[1] & sites[2])
    assert all(20 <= len(s) <= 60 for s in sites[1:])  # about 40 sites each at 0.2


@pytest.mark.parametrize("sources", [["own", "real"], ["own"], ["real"]])
def test_real_documents_judge_and_own_text_trains(sources: list[str]) -> None:
    from rich.console import Console

    from conftest import tiny_train_config
    from propmark.training.loop import split

    own = _docs(10, 2)
    real = _real(60)
    cfg = tiny_train_config(Path("enc"), Path("out"), dev_fraction=0.2, test_fraction=0.2, train_sources=sources)
    train, dev, test, own_test = split(cfg, own + real, Console(quiet=True))
    assert dev and test and all(d.real for d in dev + test)
    assert own_test and not any(d.real for d in own_test)
    held = {d.outlet for d in dev + test}
    assert not held & {d.outlet for d in train}
    assert any(d.real for d in train) == ("real" in sources)
    assert any(not d.real for d in train) == ("own" in sources)
    assert not {d.doc_id for d in own_test} & {d.doc_id for d in train}


def test_a_missing_real_file_says_how_to_rebuild_it(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="propmark import real ../shared/data"):
        load_documents([tmp_path / "training" / "real.jsonl"], label_names())
