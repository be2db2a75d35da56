"""Importers trafilatura-eval, turku-lines, wiki-weasel and polnear on hand-written fixtures."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

import pytest

from propmark.errors import PropmarkError
from propmark.training.importers import reader
from propmark.training.importers.polnear import Attribution, is_vague, label_sentences, parse_ann
from propmark.training.importers.trafilatura_eval import html_language

FIXTURES = Path(__file__).parent / "fixtures" / "importers"


def _read(fmt: str, path: Path | None = None) -> list[dict]:
    return list(reader(fmt)(path or FIXTURES / fmt))


def _common(records: list[dict], corpus: str, annotated: list[str], use: str) -> None:
    for r in records:
        assert r["text"] and r["text"] == r["text"].strip()
        assert r["corpus"] == corpus and r["annotated"] == annotated and r["use"] == use
        assert set(r["labels"]) <= set(annotated)


def _pack(src: Path, dest: Path, archive: str, top: str) -> None:
    """Copy ``src`` without ``top`` into ``dest`` and put ``top`` into a .tar.xz there."""
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(top))
    with tarfile.open(dest / archive, "w:xz") as tar:
        tar.add(src / top, arcname=top)


# trafilatura-eval


def test_trafilatura_reads_snippets_as_units() -> None:
    records = _read("trafilatura-eval")
    _common(records, "trafilatura-eval", ["boilerplate"], "train")
    assert [(r["text"], r["labels"], r["doc_id"], r["lang"]) for r in records] == [
        ("Der Stadtrat beschloss am Montag einen neuen Radweg.", [], "trafilatura-eval-example.de.artikel", "de"),
        ("Die Arbeiten beginnen im Mai.", [], "trafilatura-eval-example.de.artikel", "de"),
        ("Impressum", ["boilerplate"], "trafilatura-eval-example.de.artikel", "de"),
        ("Teilen mit Freunden", ["boilerplate"], "trafilatura-eval-example.de.artikel", "de"),
        (
            "The council said that the new bridge will open in the spring and that it is the first of its kind.",
            [],
            "trafilatura-eval-example.org.story",
            "en",  # no HTML for this page: detected from its snippets
        ),
        ("Subscribe to our newsletter", ["boilerplate"], "trafilatura-eval-example.org.story", "en"),
    ]
    assert {r["split"] for r in records} == {"all"}


def test_trafilatura_reads_html_from_the_archive(tmp_path: Path) -> None:
    _pack(FIXTURES / "trafilatura-eval", tmp_path / "corpus", "html_pages.tar.xz", "tests")
    assert _read("trafilatura-eval", tmp_path / "corpus") == _read("trafilatura-eval")


def test_html_language() -> None:
    assert html_language(b'<html class="x" lang="fr-FR">') == "fr"
    assert html_language(b'<meta http-equiv="content-language" content="pl">') == "pl"
    assert html_language(b"<html><body>no language</body></html>") is None


# turku-lines


def test_turku_noise_lines_are_boilerplate() -> None:
    records = _read("turku-lines")
    _common(records, "turku-lines", ["boilerplate"], "train")
    assert [(r["text"], r["labels"], r["doc_id"], r["lang"], r["split"]) for r in records] == [
        ("Zum Seitenanfang", ["boilerplate"], "turku-lines-de-dev-0001", "de", "dev"),
        ("Die Ausstellung zeigt Bilder aus drei Jahrhunderten.", [], "turku-lines-de-dev-0001", "de", "dev"),
        ("Home | About | Contact", ["boilerplate"], "turku-lines-en-train-0001", "en", "train"),
        ("The village bakery opened in 1952.", [], "turku-lines-en-train-0001", "en", "train"),
        ("It still uses the original oven.", [], "turku-lines-en-train-0001", "en", "train"),
        ("Posted by admin on 3 March", ["boilerplate"], "turku-lines-en-train-0001", "en", "train"),
        ("Gardening in small spaces is easier than it looks.", [], "turku-lines-en-train-0002", "en", "train"),
    ]


def test_turku_rejects_labels_that_do_not_match_lines(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "train.json").write_text('[{"text": ["a", "b"], "labels": ["1"]}]', encoding="utf-8")
    with pytest.raises(PropmarkError, match="not a Turku"):
        _read("turku-lines", tmp_path)


# wiki-weasel


def test_wiki_weasel_uncertain_sentences_are_unsourced() -> None:
    records = _read("wiki-weasel")
    _common(records, "wiki-weasel", ["unsourced_attribution"], "train")
    assert [(r["text"], r["labels"], r["doc_id"], r["split"], r["lang"]) for r in records] == [
        ("Some critics say the bridge ( built in 1901 ) is unsafe.", ["unsourced_attribution"], "wiki-weasel-train-00001", "train", "en"),
        ("The bridge crosses the river at its narrowest point.", [], "wiki-weasel-train-00002", "train", "en"),
        ("It is widely believed that the castle was never finished.", ["unsourced_attribution"], "wiki-weasel-test-00001", "test", "en"),
    ]


def test_wiki_weasel_rejects_other_csv(tmp_path: Path) -> None:
    for split in ("train", "test"):
        (tmp_path / f"{split}.csv").write_text("sentence,score\nx,1\n", encoding="utf-8")
    with pytest.raises(PropmarkError, match="text,label"):
        _read("wiki-weasel", tmp_path)


# polnear


def test_polnear_marks_vague_and_missing_sources() -> None:
    records = _read("polnear")
    _common(records, "polnear", ["unsourced_attribution"], "eval-only")
    assert [(r["text"], r["labels"], r["doc_id"], r["split"]) for r in records] == [
        ("Council Vote Delayed.", [], "polnear-paper_2016-01-01_council-vote", "train"),
        ("Mayor Jane Doe said the vote would be delayed.", [], "polnear-paper_2016-01-01_council-vote", "train"),
        ("Officials said the budget was short.", ["unsourced_attribution"], "polnear-paper_2016-01-01_council-vote", "train"),
        ("The plan failed, some argue.", ["unsourced_attribution"], "polnear-paper_2016-01-01_council-vote", "train"),
        ("It was reported that the deal collapsed.", ["unsourced_attribution"], "polnear-paper_2016-01-01_council-vote", "train"),
        # the second annotator's file (bbbb) would mark this one; only the first (aaaa) is used
        ("The weather was fine.", [], "polnear-paper_2016-01-01_council-vote", "train"),
        ("The rally drew a crowd.", [], "polnear-paper_2016-10-01_rally", "dev"),
        ('"We will win," he said.', [], "polnear-paper_2016-10-01_rally", "dev"),
    ]
    assert {r["lang"] for r in records} == {"en"}


def test_polnear_reads_the_archive(tmp_path: Path) -> None:
    _pack(FIXTURES / "polnear", tmp_path / "corpus", "polnear_text_attributions.tar.xz", "data")
    assert _read("polnear", tmp_path / "corpus") == _read("polnear")


@pytest.mark.parametrize(
    ("source", "vague"),
    [
        ("sources", True),
        ("a senior official", True),
        ("Clinton campaign aides", True),
        ("some Democrats", True),
        ("people familiar with the talks", True),
        ("", True),
        ("White House spokesman Josh Earnest", False),
        ("a source close to Trump", True),
        ("Officials", True),
        ("campaign aide Maria Lopez", False),
        ("The New York Post", False),
        ("he", False),
        ("Trump", False),
    ],
)
def test_vague_source_rule(source: str, vague: bool) -> None:
    assert is_vague(source) is vague


def test_span_to_sentence_edges() -> None:
    text = "First one here. Second one here. Third one here."
    # a content span ending exactly where the second sentence starts touches it by 0 chars: no label
    ends_at_boundary = Attribution(source=[], claim=[(0, 16)])
    assert [labels for _, labels in label_sentences(text, [ends_at_boundary])] == [["unsourced_attribution"], [], []]
    # one character of overlap is enough; a span across two sentences labels both
    across = Attribution(source=[], claim=[(31, 34)])
    assert [labels for _, labels in label_sentences(text, [across])] == [[], ["unsourced_attribution"], ["unsourced_attribution"]]
    # a named source leaves its sentences unlabeled
    named = Attribution(source=[(0, 5)], claim=[(6, 14)])
    assert [labels for _, labels in label_sentences(text, [named])] == [[], [], []]


def test_parse_ann_handles_discontinuous_spans_and_multiline_text() -> None:
    ann = "T1\tSource 0 3;10 12\tabc\nde\nT2\tCue 4 8\tsaid\nT3\tAttribution 4 8\tsaid\nE1\tAttribution:T3 Source:T1 Cue:T2\n#1\tAnnotatorNotes T1\tnote\n"
    assert parse_ann(ann) == [Attribution(source=[(0, 3), (10, 12)], claim=[(4, 8)])]


# wrong paths


@pytest.mark.parametrize("fmt", ["trafilatura-eval", "turku-lines", "wiki-weasel", "polnear"])
def test_wrong_path_is_a_user_error(fmt: str, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a corpus", encoding="utf-8")
    for path in (tmp_path, tmp_path / "missing", tmp_path / "notes.txt"):
        with pytest.raises(PropmarkError, match="not a|no files|found no"):
            _read(fmt, path)
