"""The text stages on the inputs that broke them: HTML5 recovery, per-language abbreviations, layout, linear time."""

from __future__ import annotations

import pytest

from propmark.text.html import parse
from propmark.text.langid import detect_unit
from propmark.text.segment import segment


def texts(text: str, lang: str | None) -> list[str]:
    return [s.text for s in segment(text, lang)]


@pytest.mark.parametrize("page", [
    "<html><head><title>T</title><body><p>Hello",  # <head> never closed: valid HTML5
    "<html><head><title>T</title><body><p>Hello</p></body></html>",
    "<p>Hello</p></body></html></span>",
])
def test_pages_the_old_parser_emptied_keep_their_text(page: str) -> None:
    assert parse(page).text == "Hello"


def test_each_line_keeps_its_layout() -> None:
    page = parse("<body><nav><a href='/'>Home</a></nav><article><h1>Head</h1><p>Body <a href='x'>link</a> text.</p></article>"
                 "<div id='comments'><p>Reader says hi.</p></div><footer>Impressum</footer></body>")
    layout = {page.text[b.start:b.end]: (b.tag, b.region, round(b.link_density, 2)) for b in page.blocks}
    assert layout == {
        "Home": ("nav", "nav", 1.0),
        "Head": ("h1", "", 0.0),
        "Body link text.": ("p", "", round(4 / 15, 2)),
        "Reader says hi.": ("p", "comments", 0.0),
        "Impressum": ("footer", "footer", 0.0),
    }


@pytest.mark.parametrize("text, lang", [
    ("Han satte sig. Derefter gik han hjem.", "da"),  # Italian "sig." must not apply to Danish
    ("I said no. They left.", "en"),
    ("That is ok. We agree.", "en"),  # Polish "ok." must not apply to English
    ("It turned red. Then it fell.", "en"),  # Norwegian "red." must not apply to English
])
def test_abbreviations_are_those_of_the_text_language(text: str, lang: str) -> None:
    assert len(texts(text, lang)) == 2


def test_language_specific_abbreviations_still_hold() -> None:
    assert texts("Das gilt z. B. für Gas bzw. Strom. Dann kam Dr. Müller.", "de") == ["Das gilt z. B. für Gas bzw. Strom.", "Dann kam Dr. Müller."]
    assert texts("Det gjelder f.eks. strøm. Bl.a. gass.", "nb") == ["Det gjelder f.eks. strøm.", "Bl.a. gass."]


def test_short_units_take_the_article_language() -> None:
    assert detect_unit("Home", "de") == "de"
    assert detect_unit("The government said on Monday that it would not change the law.", "de") == "en"


def test_a_megabyte_line_is_split_without_quadratic_work() -> None:
    line = "Das ist ein Satz. " * 55_000  # ~1M characters; the old splitter took minutes
    units = segment(line, "de")
    assert len(units) == 55_000 and units[-1].end == len(line.rstrip())
