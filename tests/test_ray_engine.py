"""The Ray engine on a local 2-CPU instance: the same results as one process, and a killed run resumed whole."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ray = pytest.importorskip("ray")

from propmark.raydata import finished_blocks, plan_blocks, score_ray  # noqa: E402


@pytest.fixture(scope="module")
def local_ray():
    try:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    except Exception as exc:  # a sandbox without shared memory or process limits for Ray: say so, do not pass
        pytest.skip(f"a local Ray instance could not start here: {exc}")
    yield
    ray.shutdown()


def _inputs(folder: Path, files: int = 20, records: int = 40) -> Path:
    folder.mkdir()
    for i in range(files):
        (folder / f"a{i:03d}.txt").write_text(f"Artikel {i}. Experten zufolge steigt der Preis.\nTeilen Sie diesen Artikel!\n", encoding="utf-8")
    lines = [json.dumps({"id": f"r{i}", "text": f"Record {i}: the council met on Tuesday.", "url": "https://de.rt.com/x"}) for i in range(records)]
    lines.insert(7, "{broken")
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _ray_results(out: Path) -> dict[str, dict]:
    import pyarrow.parquet as pq

    rows = {}
    for path in sorted(out.glob("block-*.parquet")):
        for row in pq.read_table(path).to_pylist():
            assert row["id"] not in rows, f"{row['id']} written twice"
            rows[row["id"]] = row
    return rows


def test_blocks_are_planned_in_input_order_and_the_same_every_time(tmp_path: Path) -> None:
    src = _inputs(tmp_path / "in", files=5, records=10)
    _, blocks = plan_blocks([str(src)], block_articles=4)
    assert [b.kind for b in blocks] == ["files", "files", "jsonl", "jsonl", "jsonl"]  # sorted: a000..a004, then records.jsonl
    assert [len(b.paths) for b in blocks[:2]] == [4, 1] and [b.first_line for b in blocks[2:]] == [1, 5, 9]
    assert plan_blocks([str(src)], block_articles=4)[1] == blocks


def test_ray_scores_what_one_process_scores(tmp_path: Path, tiny_model: Path, local_ray) -> None:
    from propmark.batch import score_paths
    from propmark.io.journal import read_results

    src = _inputs(tmp_path / "in")
    single = tmp_path / "single.jsonl"
    score_paths([src], single, model=tiny_model, precision="fp32")
    expected = {r.id: r for r in read_results(single)}
    out = tmp_path / "ray-out"
    summary = score_ray([str(src)], str(out), model=str(tiny_model), precision="fp32", block_articles=16)
    assert summary.results == len(expected) == 60 and summary.problems == 1 and summary.skipped == 0
    got = _ray_results(out)
    assert set(got) == set(expected)
    for article_id, result in expected.items():
        row = got[article_id]
        assert [s["labels"] for s in row["sentences"]] == [s.labels for s in result.sentences]
        for theirs, ours in zip(row["sentences"], result.sentences):
            assert all(abs(theirs["scores"][k] - v) < 1e-6 for k, v in ours.scores.items())
        assert row["credibility_band"] == result.credibility.band
    assert "broken JSON" in next(out.glob("*.errors.jsonl")).read_text(encoding="utf-8")
    again = score_ray([str(src)], str(out), model=str(tiny_model), precision="fp32", block_articles=16, resume=True)
    assert again.skipped == again.blocks and again.results == 0


def test_a_killed_ray_run_resumes_with_nothing_lost_or_doubled(tmp_path: Path, tiny_model: Path, local_ray) -> None:
    src = _inputs(tmp_path / "in", files=480, records=0)
    (src / "records.jsonl").unlink()
    out = tmp_path / "ray-out"
    code = (f"from propmark.raydata import score_ray; import ray; ray.init(num_cpus=1, include_dashboard=False, log_to_driver=False); "
            f"score_ray([{str(src)!r}], {str(out)!r}, model={str(tiny_model)!r}, block_articles=16, actors=1)")
    proc = subprocess.Popen([sys.executable, "-c", code], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and not finished_blocks(str(out)) and proc.poll() is None:
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = finished_blocks(str(out))
    assert done_before and len(done_before) < 30, "kill the run between blocks"
    summary = score_ray([str(src)], str(out), model=str(tiny_model), block_articles=16, resume=True)
    assert summary.skipped == len(done_before) and summary.blocks == 30
    rows = _ray_results(out)  # asserts no id twice
    assert len(rows) == 480 and finished_blocks(str(out)) == set(range(30))
    assert not list(out.glob(".*.tmp"))
    refused = pytest.raises(Exception, match="not empty")
    with refused:
        score_ray([str(src)], str(out), model=str(tiny_model), block_articles=16)
