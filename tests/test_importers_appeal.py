"""Importers for the persuasion-technique corpora: semeval2023, ptc, ru-zen-prop.

Fixtures under fixtures/importers/<format>/ are hand-written in each corpus's layout
(invented sentences; no text from the real corpora).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from propmark.cli import app
from propmark.errors import PropmarkError
from propmark.training.importers import reader
from propmark.training.importers._technique_spans import Span, sentence_labels

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def rows(fmt: str, path: Path | None = None) -> list[dict]:
    return list(reader(fmt)(path or FIXTURES / fmt))


def brief(records: list[dict]) -> list[tuple[str, str, str, list[str]]]:
    return [(r["doc_id"], r["split"], r["text"], r["labels"]) for r in records]


def test_ptc_reads_fixture() -> None:
    records = rows("ptc")
    assert brief(records) == [
        ("ptc-article101", "train", "Town council debates new bridge", []),
        ("ptc-article101", "train", "The council met on Monday to discuss the bridge.", []),
        ("ptc-article101", "train", "They will take your homes and your jobs if we stay silent!", ["appeal"]),
        ("ptc-article101", "train", "Our great nation deserves better roads than this.", ["appeal"]),
        ("ptc-article101", "train", "The vote is set for June.", []),  # Loaded_Language: not an appeal
        ("ptc-article102", "train", "Rain expected over the weekend", []),  # no spans at all: negatives
        ("ptc-article102", "train", "Forecasters expect light rain on Saturday.", []),
        ("ptc-article201", "dev", "Factory opens in the valley", []),
        ("ptc-article201", "dev", "A new factory opened on Tuesday.", []),
        ("ptc-article201", "dev", "Stand proud, patriots, this is our victory!", ["appeal"]),
    ]
    assert {(r["lang"], r["corpus"], r["use"]) for r in records} == {("en", "ptc", "eval-only")}
    assert all(r["annotated"] == ["appeal"] for r in records)


def test_ru_zen_prop_reads_fixture() -> None:
    records = rows("ru-zen-prop")
    assert brief(records) == [
        ("ru-zen-prop-article7", "train", "Что скрывают от нас власти", []),
        ("ru-zen-prop-article7", "train", "Говорят, что скоро введут новые налоги.", ["unsourced_attribution"]),
        ("ru-zen-prop-article7", "train", "Подписывайтесь на канал и делитесь с друзьями!", ["appeal"]),
        ("ru-zen-prop-article7", "train", "Министр финансов заявил, что налогов не будет.", []),  # named authority: left out
        ("ru-zen-prop-article8", "train", "Рецепт простого супа", []),
        ("ru-zen-prop-article8", "train", "Нарежьте овощи и варите двадцать минут.", []),
        ("ru-zen-prop-article9", "dev", "Нас ждёт голод и разруха, если мы не очнёмся.", ["appeal"]),
        ("ru-zen-prop-article9", "dev", "Погода сегодня хорошая.", []),
    ]
    assert {(r["lang"], r["corpus"], r["use"]) for r in records} == {("ru", "ru-zen-prop", "eval-only")}
    assert all(r["annotated"] == ["appeal", "unsourced_attribution"] for r in records)


def test_semeval2023_reads_fixture_paragraph_labels_on_every_sentence() -> None:
    records = rows("semeval2023")
    assert [(r["doc_id"], r["lang"], r["split"], r["text"], r["labels"]) for r in records] == [
        ("semeval2023-en-article501", "en", "train", "Harbour reopens after storm", []),
        ("semeval2023-en-article501", "en", "train", "The harbour reopened on Friday.", []),
        ("semeval2023-en-article501", "en", "train", "Ships queued outside overnight.", []),
        ("semeval2023-en-article501", "en", "train", "We must protect our homeland from the invaders.", ["appeal"]),
        ("semeval2023-en-article601", "en", "dev", "Library extends hours", []),
        ("semeval2023-en-article601", "en", "dev", "The library will stay open until nine.", ["appeal"]),
        ("semeval2023-pl-article701", "pl", "train", "Nowy park w mieście", []),
        # Appeal_to_Time on the paragraph: both of its sentences carry it
        ("semeval2023-pl-article701", "pl", "train", "Czas działać jest teraz!", ["appeal"]),
        ("semeval2023-pl-article701", "pl", "train", "Jutro będzie za późno.", ["appeal"]),
        ("semeval2023-pl-article701", "pl", "train", "Wartości rodzinne są najważniejsze.", []),  # Appeal_to_Values: left out
    ]
    assert {(r["corpus"], r["use"]) for r in records} == {("semeval2023", "eval-only")}
    assert all(r["annotated"] == ["appeal"] for r in records)


def test_semeval2023_paragraph_number_is_the_article_line(tmp_path: Path) -> None:
    lang = tmp_path / "ge"
    (lang / "dev-articles-subtask-3").mkdir(parents=True)
    (lang / "dev-articles-subtask-3" / "article9.txt").write_text("Titel\r\n\r\nErster Absatz.\r\n\r\nZweiter Absatz.\r\n", encoding="utf-8", newline="")
    (lang / "dev-labels-subtask-3.txt").write_text("9\t5\tFlag_Waving\n9\t3\t\n", encoding="utf-8")
    records = rows("semeval2023", tmp_path)
    assert [(r["text"], r["labels"], r["lang"], r["split"]) for r in records] == [
        ("Erster Absatz.", [], "de", "dev"),  # reading order, whatever the label file's order
        ("Zweiter Absatz.", ["appeal"], "de", "dev"),
    ]


MARKERS = {"Fear": "appeal", "Rumours": "unsourced_attribution"}
TEXT = 'One is here. Two is there. "Three is far."'
#       0         1         2         3         4
#       0123456789012345678901234567890123456789012


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        ([Span(0, 13, "Fear")], [["appeal"], [], []]),  # ends where sentence two starts: no leak
        ([Span(11, 28, "Fear")], [[], ["appeal"], []]),  # all of two, but only "." of one and '"' of three: no letter, no label
        ([Span(25, 29, "Fear")], [[], [], ["appeal"]]),  # shares one letter with three
        ([Span(4, 20, "Rumours")], [["unsourced_attribution"], ["unsourced_attribution"], []]),  # across two sentences
        ([Span(0, 43, "Loaded")], [[], [], []]),  # unmapped technique
        ([Span(0, 5, "Fear"), Span(3, 8, "Rumours")], [["appeal", "unsourced_attribution"], [], []]),
        ([], [[], [], []]),
    ],
)
def test_span_to_sentence_mapping(spans: list[Span], expected: list[list[str]]) -> None:
    units = list(sentence_labels(TEXT, spans, MARKERS))
    assert [text for text, _ in units] == ["One is here.", "Two is there.", '"Three is far."']
    assert [labels for _, labels in units] == expected


@pytest.mark.parametrize("fmt", ["ptc", "ru-zen-prop", "semeval2023"])
def test_wrong_path_is_a_user_error(fmt: str, tmp_path: Path) -> None:
    with pytest.raises(PropmarkError, match="does not look like|not a folder"):
        rows(fmt, tmp_path / "missing")
    other = "ptc" if fmt != "ptc" else "semeval2023"
    with pytest.raises(PropmarkError, match="does not look like"):
        rows(fmt, FIXTURES / other)


def test_bad_gold_line_is_a_user_error(tmp_path: Path) -> None:
    corpus = tmp_path / "ptc"
    shutil.copytree(FIXTURES / "ptc", corpus)
    (corpus / "dev-task-flc-tc.labels").write_text("201\tFlag-Waving\t62\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match=r"dev-task-flc-tc.labels:1"):
        rows("ptc", corpus)


def test_span_outside_text_or_missing_article_is_a_user_error(tmp_path: Path) -> None:
    corpus = tmp_path / "ru"
    shutil.copytree(FIXTURES / "ru-zen-prop", corpus)
    gold = corpus / "dev-task-TC-template_labeled.out"
    gold.write_text("9\tRumours\t0\t9999\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match="outside the text"):
        rows("ru-zen-prop", corpus)
    gold.write_text("10\tRumours\t0\t5\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match="missing"):
        rows("ru-zen-prop", corpus)


def test_semeval2023_paragraph_past_the_article_is_a_user_error(tmp_path: Path) -> None:
    corpus = tmp_path / "semeval"
    shutil.copytree(FIXTURES / "semeval2023", corpus)
    (corpus / "en" / "dev-labels-subtask-3.txt").write_text("601\t40\tFlag_Waving\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match="paragraph 40"):
        rows("semeval2023", corpus)


def test_cli_import_writes_jsonl(tmp_path: Path) -> None:
    out = tmp_path / "ru.jsonl"
    result = CliRunner().invoke(app, ["import", "ru-zen-prop", str(FIXTURES / "ru-zen-prop"), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(out.read_text(encoding="utf-8").splitlines()) == 8
    bad = CliRunner().invoke(app, ["import", "ptc", str(FIXTURES / "ru-zen-prop"), "--out", str(out)])
    assert bad.exit_code != 0 and "does not look like the ptc corpus" in bad.output and "Traceback" not in bad.output
