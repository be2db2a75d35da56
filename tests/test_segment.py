from pathlib import Path

import pytest

from propmark.text.segment import segment

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))


def texts(text: str) -> list[str]:
    return [s.text for s in segment(text)]


@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name)
def test_offsets_give_the_unit_back(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    units = segment(text)
    assert units
    for unit in units:
        assert text[unit.start : unit.end] == unit.text
        assert unit.text == unit.text.strip()
    assert all(a.end <= b.start for a, b in zip(units, units[1:]))


def test_lines_without_punctuation_are_units() -> None:
    page = "Startseite\nPolitik\nWirtschaft\nBankkonto 1503.94.12826\nSMS “Resett” (200,- en gang) til 2474"
    assert texts(page) == page.split("\n")


@pytest.mark.parametrize(
    "sentence",
    [
        "Das gilt z. B. für Gas und Öl.",
        "Das gilt z.B. für Gas bzw. Strom.",
        "Die Halle Nr. 5 wurde geräumt.",
        "Det gjelder f.eks. strøm og bl.a. gass.",
        "Prisen steg, dvs. tolv prosent.",
        "Die Proteste begannen am 7. Januar 2022 in Almaty.",
        "Protestene startet 5. januar i vest.",
        "Am 4. Januar wurden Unruhen gemeldet.",
        "Richard E. Hoagland sagte das am Freitag.",
        "Mehr unter https://de.example.com/a.b.c/ bei uns.",
        "Das sagte Dr. Müller gegenüber der Zeitung.",
    ],
)
def test_no_split_inside_abbreviations_dates_initials_urls(sentence: str) -> None:
    assert texts(sentence) == [sentence]


def test_splits_sentences_and_keeps_closing_quotes() -> None:
    line = 'Er sagte: "Es ist vorbei." Danach ging er. Kommt er zurück? Niemand weiß es!'
    assert texts(line) == ['Er sagte: "Es ist vorbei."', "Danach ging er.", "Kommt er zurück?", "Niemand weiß es!"]


def test_quote_followed_by_attribution_is_one_sentence() -> None:
    line = "„Wir wünschen den Menschen alles Gute“, sagte er. Dann ging er."
    assert texts(line) == ["„Wir wünschen den Menschen alles Gute“, sagte er.", "Dann ging er."]


def test_embed_credit_line_and_handle_stay_whole() -> None:
    page = "Storming the building now. pic.twitter.com/abc123\n— Jane Doe (@janedoe) January 5, 2022"
    assert texts(page) == ["Storming the building now.", "pic.twitter.com/abc123", "— Jane Doe (@janedoe) January 5, 2022"]


def test_overlong_unit_is_cut_at_spaces() -> None:
    text = " ".join(["wort"] * 800)
    units = segment(text)
    assert len(units) > 1
    assert all(len(u.text) <= 1200 for u in units)
    assert " ".join(u.text for u in units) == text
