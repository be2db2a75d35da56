import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propmark.cli import app

from conftest import TINY

runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("Regierung beschließt Gesetz\nExperten zufolge steigt der Preis. Anzeige\n", encoding="utf-8")
    (folder / "sub" / "b.md").write_text("Strømprisen stiger igjen, og det er ikke over ennå.\nannonse\n", encoding="utf-8")
    (folder / "c.jsonl").write_text(
        json.dumps({"id": "x1", "text": "Subscribe to our newsletter", "url": "https://example.org/x1"}) + "\n" + "{broken\n",
        encoding="utf-8",
    )
    (folder / "ignored.pdf").write_bytes(b"%PDF")
    return folder


def test_score_writes_one_object_per_article_with_exact_offsets(articles: Path, tiny_model: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    result = run("score", articles, "--model", tiny_model, "--out", out)
    assert result.exit_code == 1, result.output  # the broken JSONL line is reported, the rest scored
    assert "broken JSON" in result.output
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in rows] == [str(articles / "a.txt"), "x1", str(articles / "sub" / "b.md")]
    first = rows[0]
    source = (articles / "a.txt").read_text(encoding="utf-8")
    for s in first["sentences"]:
        assert source[s["start"] : s["end"]] == s["text"]
        assert set(s["scores"]) == {"boilerplate", "appeal", "unsourced_attribution", "state_media_disclaimer"}
        assert set(s["labels"]) <= set(s["scores"])
    assert set(first["markers"]) == set(first["sentences"][0]["scores"])
    assert 0.0 <= first["credibility"]["score"] <= 1.0
    assert rows[1]["meta"]["url"] == "https://example.org/x1"
    assert rows[2]["lang"] == "nb"


def test_check_highlights_flagged_sentences(tiny_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Das Kabinett hat das Gesetz verabschiedet.\nAnzeige\nMehr zum Thema - Strompreise im Vergleich\n", encoding="utf-8")
    result = run("check", page, "--model", tiny_model)
    assert result.exit_code == 0, result.output
    assert "legend" in result.output and "Anzeige" in result.output and "boiler" in result.output
    assert "credibility" in result.output


def test_eval_json_has_the_documented_shape(tiny_model: Path) -> None:
    result = run("eval", TINY, "--model", tiny_model, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert {"labels", "micro_f1", "macro_f1", "by_lang"} <= set(data)
    assert set(data["by_lang"]) == {"de", "nb", "en"}
    for metrics in data["labels"].values():
        assert set(metrics) == {"precision", "recall", "f1", "support", "ece"}
        assert 0.0 <= metrics["ece"] <= 1.0
    for block in data["by_lang"].values():
        for metrics in block["labels"].values():
            assert set(metrics) == {"precision", "recall", "f1", "support"}
    assert data["labels"]["boilerplate"]["support"] == 9


@pytest.mark.parametrize(
    "args, message",
    [
        (["score", "/no/such/folder"], "no such file or folder"),
        (["check", "/no/such/file.txt"], "not a file"),
        (["eval", "/no/such/data.jsonl"], "no such file"),
        (["train", "--data", "/no/such/data.jsonl", "--output", "/no/such/model"], "no such file"),
    ],
)
def test_user_mistakes_give_one_line_and_exit_2(args: list[str], message: str, tiny_model: Path) -> None:
    result = run(*args, *(["--model", tiny_model] if args[0] in ("score", "check", "eval") else []))
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_wrong_model_folder_is_a_clear_error(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Hallo Welt.", encoding="utf-8")
    result = run("check", page, "--model", tmp_path)
    assert result.exit_code == 2 and "not a propmark model" in result.output


def test_empty_file_is_reported_not_scored(tiny_model: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n", encoding="utf-8")
    (tmp_path / "ok.txt").write_text("Anzeige", encoding="utf-8")
    out = tmp_path / "out" / "r.jsonl"
    result = run("score", tmp_path, "--model", tiny_model, "--out", out)
    assert result.exit_code == 1 and "empty file" in result.output
    assert [json.loads(x)["id"] for x in out.read_text().splitlines()] == [str(tmp_path / "ok.txt")]


def test_error_text_with_brackets_is_shown_verbatim(tmp_path: Path, tiny_model: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "x", "labels": ["propaganda"]}\n', encoding="utf-8")
    result = run("eval", bad, "--model", tiny_model)
    assert result.exit_code == 2 and "['propaganda']" in result.output


def test_eval_held_out_uses_only_the_recorded_test_documents(tiny_encoder: Path, tmp_path: Path) -> None:
    from rich.console import Console

    from propmark.training.loop import train

    from conftest import tiny_train_config

    metrics = train(tiny_train_config(tiny_encoder, tmp_path / "m", epochs=1, test_fraction=0.3), Console(quiet=True))
    result = run("eval", TINY, "--model", tmp_path / "m", "--json", "--held-out")
    assert result.exit_code == 0, result.output
    n_test = sum(1 for line in TINY.read_text().splitlines() if json.loads(line)["doc_id"] in metrics["split"]["test_doc_ids"])
    assert json.loads(result.output)["sentences"] == n_test


def test_eval_held_out_without_recorded_split_is_an_error(tiny_model: Path) -> None:
    result = run("eval", TINY, "--model", tiny_model, "--held-out")
    assert result.exit_code == 2 and "held-out" in result.output


def test_a_meta_sidecar_gives_text_files_their_url_and_outlet(articles: Path, tiny_model: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text("path,url,outlet\nin/a.txt,https://de.rt.com/a,\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    run("score", articles, "--model", tiny_model, "--out", out, "--meta", meta)
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["meta"]["url"] == "https://de.rt.com/a"
    assert first["credibility"]["outlet"]["name"] == "RT" and first["credibility"]["band"] in ("mixed", "low")
    meta.write_text("path,url\nin/missing.txt,https://x.example/\n", encoding="utf-8")
    result = run("score", articles, "--model", tiny_model, "--out", tmp_path / "o2.jsonl", "--meta", meta)
    assert result.exit_code == 2 and "no such file" in result.output and "Traceback" not in result.output


def test_check_takes_a_url_and_shows_the_outlet_facts_apart_from_the_score(tiny_model: Path, tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Das Kabinett hat das Gesetz verabschiedet.\n", encoding="utf-8")
    result = run("check", page, "--model", tiny_model, "--url", "https://www.nrk.no/a")
    assert result.exit_code == 0, result.output
    assert "outlet: NRK" in result.output and "ASD ISM, not state-controlled" in result.output and "95% interval" in result.output


def test_outlet_lookup_and_table_import(tmp_path: Path) -> None:
    result = run("outlet", "https://de.rt.com/x")
    assert result.exit_code == 0 and "outlet: RT" in result.output and "state-controlled" in result.output and "prior: P(low)" in result.output
    unlisted = run("outlet", "example-paper.de")
    assert "on no outlet list" in unlisted.output and "unlisted outlet" in unlisted.output
    missing = run("import", "outlets", tmp_path)
    assert missing.exit_code == 2 and "State_Media_Matrix.csv" in missing.output


def test_fit_credibility_seals_a_model_measured_on_held_out_articles(tiny_model: Path, tmp_path: Path) -> None:
    import shutil

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    texts = {True: "Experten zufolge soll alles anders sein. Teilen Sie diesen Artikel!", False: "Das Kabinett hat das Gesetz verabschiedet."}
    lines = [{"id": str(i), "article-title": "Titel", "article-contents": texts[i % 2 == 0], "annotated-agenda-score": "5" if i % 2 == 0 else "1",
              "split": "test" if i >= 30 else "dev", "weak-label-0": "bias" if i % 4 == 0 else ""} for i in range(40)]
    (tmp_path / "newsagendas.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    real = tmp_path / "real.jsonl"
    real.write_text("".join(json.dumps({"text": t, "labels": [], "doc_id": f"page/{i}", "lang": "de", "outlet": f"site{i}.de", "corpus": "c"}) + "\n"
                            for i, t in enumerate(["Startseite", "Das Kabinett tagte.", "Anzeige"])), encoding="utf-8")
    result = run("fit-credibility", "--model", model, "--newsagendas", tmp_path, "--real", real, "--labels", tmp_path / "none.jsonl")
    assert result.exit_code == 2 and "no such labels file" in result.output
    result = run("fit-credibility", "--model", model, "--newsagendas", tmp_path, "--real", real)
    assert result.exit_code == 0, result.output
    from propmark.credibility.model import CredibilityModel
    from propmark.markers import folder

    fitted = CredibilityModel.read(model / "credibility.json")
    assert fitted.info["train_articles"]["newsagendas"] == 30 and fitted.info["reference_pages"] == 3
    assert fitted.info["train_articles"]["own"] > 0 and fitted.info["gate_corpora"] == ["newsagendas"]  # own train, real gate
    assert fitted.info["evaluation"]["newsagendas"]["content"]["articles"] == 10
    assert fitted.probe is not None and len(fitted.probe["weights"]) == 32  # read from the tiny encoder's unit embeddings
    assert "credibility.json" in folder.verify(model)  # sealed into the manifest
    assert "held-out articles" in result.output
