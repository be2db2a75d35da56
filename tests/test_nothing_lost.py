"""Nothing lost, ever: outputs never destroy what propmark did not write, resume knows its run, bad records are data."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propmark.cli import app

runner = CliRunner()


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(3):
        (folder / f"a{i}.txt").write_text(f"Anzeige\nDas Kabinett tagt zum {i}. Mal.", encoding="utf-8")
    return folder


def test_report_refuses_a_folder_it_did_not_write(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run("score", corpus, "--model", tiny_model, "--out", out).exit_code == 0
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep")
    result = run("report", out, "--out", mine)
    assert result.exit_code == 2 and "not a propmark report" in result.output
    assert (mine / "notes.txt").read_text() == "keep"
    assert run("report", out, "--out", tmp_path / "rep").exit_code == 0
    assert run("report", out, "--out", tmp_path / "rep").exit_code == 0  # its own report: replaced


def test_score_report_into_the_input_folder_is_refused_before_scoring(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    before = sorted(p.name for p in corpus.iterdir())
    result = run("score", corpus, "--model", tiny_model, "--out", tmp_path / "r.jsonl", "--report", corpus)
    assert result.exit_code == 2 and "inputs" in result.output
    assert sorted(p.name for p in corpus.iterdir()) == before and not (tmp_path / "r.jsonl").exists()


@pytest.mark.parametrize("flag", ["--resume", "--force"])
def test_an_input_as_out_is_refused_under_resume_and_force(corpus: Path, tiny_model: Path, tmp_path: Path, flag: str) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text(json.dumps({"id": "x", "text": "Das Kabinett tagt."}) + "\n")
    before = records.read_bytes()
    result = run("score", records, "--model", tiny_model, "--out", records, flag)
    assert result.exit_code == 2 and records.read_bytes() == before


@pytest.mark.parametrize("flag", ["--resume", "--force"])
def test_a_file_that_is_not_a_journal_is_never_overwritten(corpus: Path, tiny_model: Path, tmp_path: Path, flag: str) -> None:
    other = tmp_path / "thesis.jsonl"
    other.write_text('{"chapter": 1}\n')
    result = run("score", corpus, "--model", tiny_model, "--out", other, flag)
    assert result.exit_code == 2 and "not a propmark results file" in result.output
    assert other.read_text() == '{"chapter": 1}\n'


def test_resume_continues_only_the_same_run(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run("score", corpus, "--model", tiny_model, "--out", out).exit_code == 0
    assert all(r["model"] for r in lines(out))  # each record names the model that made it
    (corpus / "a9.txt").write_text("Ein neuer Artikel.", encoding="utf-8")
    result = run("score", corpus, "--model", tiny_model, "--out", out, "--resume")
    assert result.exit_code == 2 and "1 input file(s) added" in result.output
    (corpus / "a9.txt").unlink()
    assert run("score", corpus, "--model", tiny_model, "--out", out, "--resume").exit_code == 0
    assert len(lines(out)) == 3


def _resealed_copy(model: Path, target: Path, name: str, edit) -> Path:
    """A copy of ``model`` with one JSON file edited and the manifest sealed again (a genuinely other model)."""
    import shutil

    from propmark.io.files import sha256_file
    from propmark.markers import folder

    shutil.copytree(model, target)
    data = json.loads((target / name).read_text())
    edit(data)
    (target / name).write_text(json.dumps(data))
    manifest = json.loads((target / folder.MANIFEST).read_text())
    manifest[name] = sha256_file(target / name)
    (target / folder.MANIFEST).write_text(json.dumps(manifest))
    return target


@pytest.mark.parametrize("name, edit", [
    ("config.json", lambda spec: spec.update(thresholds=[0.9] * len(spec["thresholds"]))),
    ("credibility.json", lambda cred: cred.update(intercept=cred["intercept"] + 12)),  # same weights, other credibility
])
def test_resume_with_another_model_is_refused(corpus: Path, tiny_model: Path, tmp_path: Path, name: str, edit) -> None:
    out = tmp_path / "r.jsonl"
    assert run("score", corpus, "--model", tiny_model, "--out", out).exit_code == 0
    other = _resealed_copy(tiny_model, tmp_path / "other", name, edit)
    result = run("score", corpus, "--model", other, "--out", out, "--resume")
    assert result.exit_code == 2 and "the model differs" in result.output


def test_a_second_writer_is_refused_at_once(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    from filelock import FileLock

    out = tmp_path / "r.jsonl"
    with FileLock(str(out) + ".lock"):
        result = run("score", corpus, "--model", tiny_model, "--out", out)
    assert result.exit_code == 2 and "another propmark run is writing" in result.output
    assert not out.exists()


def test_a_damaged_middle_line_is_reported_and_its_article_scored_again(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run("score", corpus, "--model", tiny_model, "--out", out).exit_code == 0
    good = lines(out)
    rows = out.read_text(encoding="utf-8").splitlines()
    rows[1] = rows[1][: len(rows[1]) // 2]  # damaged in the middle, not a torn tail
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run("score", corpus, "--model", tiny_model, "--out", out, "--resume")
    assert result.exit_code == 0 and "damaged line" in result.output
    assert sorted(r["source"] for r in lines(out)) == sorted(r["source"] for r in good)
    assert {json.dumps(r, sort_keys=True) for r in lines(out)} == {json.dumps(r, sort_keys=True) for r in good}


def test_lone_surrogates_and_nuls_in_records_are_cleaned_not_fatal(tiny_model: Path, tmp_path: Path) -> None:
    records = tmp_path / "in.jsonl"
    records.write_text('{"id": "s", "text": "Das Kabinett \\ud800 tagt.\\u0000 Ende.", "title": {"nested": true}}\n'
                       '{"id": "ok", "text": "Das Kabinett tagt."}\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run("score", records, "--model", tiny_model, "--out", out)
    assert result.exit_code == 0, result.output
    first = lines(out)[0]
    assert first["meta"]["text_repaired"] == 2 and "\x00" not in first["sentences"][0]["text"]
    assert run("report", out, "--out", tmp_path / "rep").exit_code == 0  # a title given as an object


def test_csv_with_bom_extra_fields_and_an_open_quote(tiny_model: Path, tmp_path: Path) -> None:
    table = tmp_path / "in.csv"
    table.write_bytes("\ufeffid,text\n1,Das Kabinett tagt.\n2,Zu viele,Felder hier\n3,\"offen\n".encode("utf-8"))
    out = tmp_path / "r.jsonl"
    result = run("score", table, "--model", tiny_model, "--out", out)
    assert result.exit_code == 1
    assert [r["id"] for r in lines(out)] == ["1"]  # the id survives Excel's BOM
    reasons = {e["source"].rsplit(":", 1)[1]: e["reason"] for e in lines(tmp_path / "r.errors.jsonl")}
    assert "3 fields for 2 columns" in reasons["3"] and "broken CSV" in reasons["4"]


def test_utf16_without_bom_is_scored(tiny_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "a.txt"
    page.write_bytes("Das Kabinett tagt am Mittwoch in Berlin.".encode("utf-16-le"))
    out = tmp_path / "r.jsonl"
    assert run("score", page, "--model", tiny_model, "--out", out).exit_code == 0
    assert lines(out)[0]["meta"]["encoding"] == "utf-16-le"


def test_a_fifo_is_listed_not_opened(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    os.mkfifo(folder / "pipe.txt")
    (folder / "a.txt").write_text("Das Kabinett tagt.", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run("score", folder, "--model", tiny_model, "--out", out)
    assert result.exit_code == 1 and "not a regular file (FIFO)" in result.output
    direct = run("score", folder / "pipe.txt", "--model", tiny_model)
    assert direct.exit_code == 1 and "FIFO" in direct.output


def test_read_only_out_folder_is_one_line(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root writes into read-only folders")
    locked = tmp_path / "ro"
    locked.mkdir(mode=0o555)
    result = run("score", corpus, "--model", tiny_model, "--out", locked / "r.jsonl")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_report_on_a_binary_file_is_one_line(tmp_path: Path) -> None:
    binary = tmp_path / "x.jsonl"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = run("report", binary, "--out", tmp_path / "rep")
    assert result.exit_code == 2 and "not a propmark results file" in result.output


def test_eval_on_data_without_labels_is_refused(tiny_model: Path, tmp_path: Path) -> None:
    data = tmp_path / "d.jsonl"
    data.write_text(json.dumps({"text": "Das Kabinett tagt.", "labels": [], "doc_id": "d"}) + "\n")
    result = run("eval", data, "--model", tiny_model)
    assert result.exit_code == 2 and "no marker labels" in result.output


def test_a_file_the_old_decoder_choked_on_does_not_cost_its_neighbours(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    russian = "Правительство заявило, что не будет менять закон, который был принят в среду."
    (folder / "a_bad.txt").write_bytes(russian.encode("cp1251") + b"\x98")  # 0x98 is undefined in cp1251
    (folder / "b_good.txt").write_text("Das Kabinett tagt.", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert run("score", folder, "--model", tiny_model, "--out", out).exit_code == 0
    rows = {Path(r["id"]).name: r for r in lines(out)}
    assert set(rows) == {"a_bad.txt", "b_good.txt"} and rows["a_bad.txt"]["meta"]["encoding"] == "cp1251"


def test_short_writes_are_completed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from propmark.io import journal

    real_write = os.write
    monkeypatch.setattr(journal.os, "write", lambda fd, data: real_write(fd, bytes(data[:3])))  # 3 bytes per call
    with journal.Journal(tmp_path / "r.jsonl") as results:
        results.write({"source": "a", "text": "ein längerer Datensatz"})
    assert json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8")) == {"source": "a", "text": "ein längerer Datensatz"}


@pytest.mark.parametrize("flag", ["--resume", "--force"])
@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_users_csv_or_parquet_is_never_replaced(corpus: Path, tiny_model: Path, tmp_path: Path, flag: str, suffix: str) -> None:
    mine = tmp_path / f"mine{suffix}"
    mine.write_bytes(b"name,age\nBob,33\n")
    result = run("score", corpus, "--model", tiny_model, "--out", mine, flag)
    assert result.exit_code == 2 and "propmark wrote" in result.output
    assert mine.read_bytes() == b"name,age\nBob,33\n"
    ours = tmp_path / f"ours{suffix}"
    assert run("score", corpus, "--model", tiny_model, "--out", ours).exit_code == 0
    assert run("score", corpus, "--model", tiny_model, "--out", ours, "--force").exit_code == 0  # its own export


def test_a_stray_byte_in_utf8_costs_one_character(tiny_model: Path, tmp_path: Path) -> None:
    text = "Der Präsident sprach über die Lage.".encode()
    page = tmp_path / "a.txt"
    page.write_bytes(text[:10] + b"\xff" + text[10:])
    out = tmp_path / "r.jsonl"
    assert run("score", page, "--model", tiny_model, "--out", out).exit_code == 0
    row = lines(out)[0]
    assert row["sentences"][0]["text"] == "Der Präsi\ufffddent sprach über die Lage."
    assert row["meta"]["encoding_method"] == "utf-8-repaired" and row["meta"]["encoding_repaired"] == 1


def test_names_that_escape_alike_are_both_scored(tiny_model: Path, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / os.fsdecode(b"x\xff.txt")).write_text("Das Kabinett tagt.", encoding="utf-8")
    (folder / "x\\xff.txt").write_text("Der Rat tagt.", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert run("score", folder, "--model", tiny_model, "--out", out).exit_code == 0
    assert len({r["source"] for r in lines(out)}) == 2


def test_a_report_says_when_its_thresholds_come_from_another_model(corpus: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.jsonl"
    assert run("score", corpus, "--model", tiny_model, "--out", out).exit_code == 0
    other = run("report", out, "--out", tmp_path / "rep")  # the shipped model, not the one that scored
    assert other.exit_code == 0 and "thresholds of" in other.output
    same = run("report", out, "--out", tmp_path / "rep", "--model", tiny_model)
    assert same.exit_code == 0 and "thresholds of" not in same.output
