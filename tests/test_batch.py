"""Batch scoring: every input format, every kind of bad input, output formats, and kill/resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propmark.cli import app

runner = CliRunner()
RU = "Правительство заявило, что не будет менять закон, который был принят в среду. Реклама"


def run(*args, **kwargs):
    return runner.invoke(app, [str(a) for a in args], **kwargs)


def results(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_encodings_are_detected_and_recorded(tmp_path: Path, tiny_model: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    (src / "a_cp1251.txt").write_bytes(RU.encode("cp1251"))
    (src / "b_koi8.txt").write_bytes(RU.encode("koi8-r"))
    (src / "c_utf16.txt").write_bytes(b"\xff\xfe" + "Die Regierung hat das Gesetz geändert.".encode("utf-16-le"))
    (src / "d_latin.txt").write_bytes("Strømprisen stiger igjen, og det er ikke over ennå.".encode("cp1252"))
    out = tmp_path / "r.jsonl"
    assert run("score", src, "--model", tiny_model, "--out", out).exit_code == 0
    rows = {Path(r["id"]).name: r for r in results(out)}
    assert rows["a_cp1251.txt"]["meta"]["encoding"] == "cp1251"
    assert rows["b_koi8.txt"]["meta"]["encoding"] == "koi8-r"
    assert rows["c_utf16.txt"]["meta"]["encoding"] == "utf-16-le"
    assert rows["d_latin.txt"]["meta"]["encoding"] == "cp1252"
    assert rows["b_koi8.txt"]["sentences"][0]["text"].startswith("Правительство") and rows["b_koi8.txt"]["lang"] == "ru"


def test_html_keeps_blocks_or_main_text(tmp_path: Path, tiny_model: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<nav><a>Startseite</a></nav><article><p>Die Regierung hat das Gesetz geändert.</p></article><footer>Impressum</footer>", encoding="utf-8")
    out_all, out_main = tmp_path / "all.jsonl", tmp_path / "main.jsonl"
    assert run("score", page, "--model", tiny_model, "--out", out_all).exit_code == 0
    assert run("score", page, "--model", tiny_model, "--out", out_main, "--main-only").exit_code == 0
    assert [s["text"] for s in results(out_all)[0]["sentences"]] == ["Startseite", "Die Regierung hat das Gesetz geändert.", "Impressum"]
    assert [s["text"] for s in results(out_main)[0]["sentences"]] == ["Die Regierung hat das Gesetz geändert."]


def test_csv_and_stdin(tmp_path: Path, tiny_model: Path) -> None:
    table = tmp_path / "a.csv"
    table.write_text('id,text,outlet\nx1,"Anzeige\nDas Kabinett tagt.",Bote\nx2,,Bote\n', encoding="utf-8")
    out = tmp_path / "r.jsonl"
    result = run("score", table, "--model", tiny_model, "--out", out)
    assert result.exit_code == 1 and "empty text" in result.output
    assert [(r["id"], r["meta"]["outlet"]) for r in results(out)] == [("x1", "Bote")]
    out2 = tmp_path / "r2.jsonl"
    piped = run("score", "-", "--model", tiny_model, "--out", out2, input='{"id": "s1", "text": "Anzeige"}\n{"id": "s2", "text": "annonse"}\n')
    assert piped.exit_code == 0, piped.output
    assert [r["id"] for r in results(out2)] == ["s1", "s2"]


def test_bad_inputs_are_reported_and_never_stop_the_batch(tmp_path: Path, tiny_model: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "in"
    (src / "deep").mkdir(parents=True)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    (src / "huge.txt").write_bytes(b"Anzeige\n" * 200_000)  # 1.6 MB, over --max-file-mb 1
    (src / "lines.jsonl").write_text('{"id": "ok", "text": "Anzeige"}\n{not json\n{"id": "nt"}\n', encoding="utf-8")
    (src / "deep" / "loop").symlink_to(src, target_is_directory=True)
    (src / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (src / os.fsdecode(b"caf\xe9.txt")).write_text("Das Kabinett tagt.", encoding="utf-8")
    (src / "locked.txt").write_text("Das Kabinett tagt.", encoding="utf-8")
    real_read = Path.read_bytes

    def read_bytes(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_read(self)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    out = tmp_path / "r.jsonl"
    result = run("score", src, "--model", tiny_model, "--out", out, "--max-file-mb", 1)
    assert result.exit_code == 1 and "Traceback" not in result.output
    errors = {Path(e["source"].split(":")[0]).name: e["reason"] for e in results(tmp_path / "r.errors.jsonl")}
    assert "empty" in errors["empty.txt"]
    assert "binary" in errors["binary.txt"]
    assert "over the limit" in errors["huge.txt"]
    assert "broken JSON" in errors["lines.jsonl"] or "string 'text'" in errors["lines.jsonl"]
    assert "loop" in errors["loop"]
    assert "broken symlink" in errors["dangling.txt"]
    assert "unreadable" in errors["locked.txt"]
    scored = {Path(r["id"]).name for r in results(out)}
    assert scored == {"ok", "caf\\xe9.txt"}


def test_output_formats(tmp_path: Path, tiny_model: Path) -> None:
    import pyarrow.parquet as pq

    src = tmp_path / "a.txt"
    src.write_text("Anzeige\nDas Kabinett tagt.", encoding="utf-8")
    assert run("score", src, "--model", tiny_model, "--out", tmp_path / "r.csv").exit_code == 0
    header = (tmp_path / "r.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    assert {"id", "n_boilerplate", "credibility_score", "flagged"} <= set(header)
    assert run("score", src, "--model", tiny_model, "--out", tmp_path / "r.parquet").exit_code == 0
    table = pq.read_table(tmp_path / "r.parquet").to_pylist()
    assert table[0]["sentences"][0]["text"] == "Anzeige" and "boilerplate" in table[0]["sentences"][0]["scores"]
    assert not list(tmp_path.glob("*.partial.jsonl"))


def test_existing_output_needs_resume_or_force(tmp_path: Path, tiny_model: Path) -> None:
    src = tmp_path / "a.txt"
    src.write_text("Anzeige", encoding="utf-8")
    out = tmp_path / "r.jsonl"
    assert run("score", src, "--model", tiny_model, "--out", out).exit_code == 0
    again = run("score", src, "--model", tiny_model, "--out", out)
    assert again.exit_code == 2 and "--resume" in again.output
    assert run("score", src, "--model", tiny_model, "--out", out, "--force").exit_code == 0
    assert len(results(out)) == 1
    bad = run("score", src, "--model", tiny_model, "--out", out, "--format", "xml")
    assert bad.exit_code == 2 and "--format" in bad.output


def _corpus(path: Path, n: int) -> None:
    lines = []
    for i in range(n):
        body = f"Das Kabinett hat am Mittwoch das Gesetz Nummer {i} verabschiedet. Experten zufolge steigt der Preis um {i % 17} Prozent."
        lines.append(json.dumps({"id": f"a{i}", "text": f"Anzeige\n{body}\nMehr zum Thema - Strompreise im Vergleich"}))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_kill_at_any_moment_and_resume_gives_the_uninterrupted_output(tmp_path: Path, tiny_model: Path) -> None:
    corpus = tmp_path / "corpus.jsonl"
    _corpus(corpus, 2000)
    cmd = [sys.executable, "-m", "propmark.cli", "score", str(corpus), "--model", str(tiny_model)]
    full = tmp_path / "full.jsonl"
    subprocess.run([*cmd, "--out", str(full)], check=True, capture_output=True)

    part = tmp_path / "part.jsonl"
    for kill_after in (40, 700):
        args = [*cmd, "--out", str(part)] + (["--resume"] if part.exists() else [])
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and (not part.exists() or part.read_bytes().count(b"\n") < kill_after):
            time.sleep(0.005)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with open(part, "ab") as handle:  # what a kill in the middle of a write would leave
            handle.write(b'{"id": "torn", "sour')
    finished = subprocess.run([*cmd, "--out", str(part), "--resume"], capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    assert "already done" in finished.stderr
    assert part.read_bytes() == full.read_bytes()


def test_shards_merge_into_the_file_one_run_writes(tmp_path: Path, tiny_model: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(11):
        (src / f"a{i:02d}.txt").write_text(f"Artikel {i}: Experten zufolge steigt der Preis.\nAnzeige\n", encoding="utf-8")
    (src / "broken.jsonl").write_text("{broken\n", encoding="utf-8")
    config = tmp_path / "batch.yaml"
    config.write_text("group_articles: 2\n", encoding="utf-8")
    whole = tmp_path / "whole.jsonl"
    assert run("score", src, "--model", tiny_model, "--out", whole, "--config", config).exit_code == 1  # the broken line
    shards = [tmp_path / f"shard{k}.jsonl" for k in (1, 2, 3)]
    for k, out in zip((3, 1, 2), [shards[2], shards[0], shards[1]]):
        run("score", src, "--model", tiny_model, "--out", out, "--config", config, "--shard", f"{k}/3")
    assert len(results(shards[0])) == 4 and len(results(shards[1])) == 4 and len(results(shards[2])) == 3
    merged = tmp_path / "merged.jsonl"
    result = run("merge", merged, *reversed(shards))
    assert result.exit_code == 0, result.output
    assert merged.read_bytes() == whole.read_bytes()
    assert sum(1 for s in shards if s.with_name(s.stem + ".errors.jsonl").exists()) == 1  # each problem in one shard only
    assert "broken" in merged.with_name("merged.errors.jsonl").read_text(encoding="utf-8")
    missing = run("merge", tmp_path / "m2.jsonl", shards[0], shards[2])
    assert missing.exit_code == 2 and "every shard 1..3" in missing.output
    manifest = shards[1].with_name(shards[1].name + ".run.json")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    del data["finished"]
    manifest.write_text(json.dumps(data), encoding="utf-8")
    unfinished = run("merge", tmp_path / "m3.jsonl", *shards)
    assert unfinished.exit_code == 2 and "did not finish" in unfinished.output and "--resume" in unfinished.output
    bad = run("score", src, "--model", tiny_model, "--out", tmp_path / "x.jsonl", "--shard", "4/3")
    assert bad.exit_code == 2 and "between 1 and N" in bad.output
