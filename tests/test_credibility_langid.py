import pytest

from propmark.credibility import assess
from propmark.langid import detect


def test_clean_article_scores_high_with_no_reasons() -> None:
    result = assess([[], [], [], []])
    assert result == {"score": 1.0, "band": "high", "reasons": []}


def test_markers_lower_the_score_and_name_their_sentences() -> None:
    labels = [[], ["unsourced_attribution"], ["appeal"], [], ["boilerplate", "state_media_disclaimer"]]
    result = assess(labels)
    assert result["score"] < 0.5 and result["band"] in ("mixed", "low")
    reasons = {r["feature"]: r for r in result["reasons"]}
    assert reasons["unsourced_attribution_rate"]["sentences"] == [1]
    assert reasons["appeal_rate"]["sentences"] == [2]
    assert reasons["state_media_disclaimer"]["sentences"] == [4]
    assert max(0.0, 1 - sum(-r["effect"] for r in result["reasons"])) == pytest.approx(result["score"], abs=1e-3)


@pytest.mark.parametrize(
    "text, lang",
    [
        ("Die Regierung hat am Mittwoch ein neues Gesetz beschlossen, das auch für die Länder gilt.", "de"),
        ("Regjeringen har ikke sagt hva som skjer etter valget, ifølge NTB.", "nb"),
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
