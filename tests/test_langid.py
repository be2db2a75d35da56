import pytest

from propmark.text.langid import detect


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Die Regierung hat am Mittwoch ein neues Gesetz beschlossen, das auch für die Länder gilt.", "de"),
        ("Regjeringen har ikke sagt hva som skjer etter valget, ifølge NTB.", "nb"),
        ("Tämä on suomenkielinen uutinen hallituksen uudesta laista.", "fi"),
        ("Regeringen har ikke sagt hvad der sker efter valget, og det er ikke klart.", "da"),
        ("Regeringen har inte sagt vad som händer efter valet, enligt TT.", "sv"),
        ("The government said on Monday that it would not change the law.", "en"),
        ("Le gouvernement a annoncé qu'il ne changerait pas la loi selon le ministre.", "fr"),
        ("Правительство заявило, что не будет менять закон, который был принят.", "ru"),
        ("Rząd poinformował, że nie zmieni ustawy, która została przyjęta.", "pl"),
        ("12345 ---", "und"),
    ],
)
def test_detects_languages(text: str, lang: str) -> None:
    assert detect(text) == lang
