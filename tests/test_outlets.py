from pathlib import Path

import pytest

from propmark.credibility.outlets import identify


def test_url_matches_the_domain_and_its_subdomains_only() -> None:
    hit = identify({"url": "https://de.rt.com/international/123-artikel/"}, {})
    assert hit and hit.outlet.name == "RT" and hit.matched_by == "url" and hit.outlet.state_controlled
    assert identify({"url": "https://www.sputniknews.com/x"}, {}).outlet.name == "Sputnik"
    assert identify({"url": "https://notrt.com/a"}, {}) is None
    assert identify({"url": "https://rt.com.example.org/a"}, {}) is None


def test_outlet_field_matches_a_name_or_a_name_with_an_edition() -> None:
    assert identify({"outlet": "Sputnik Norge"}, {}).outlet.name == "Sputnik"
    assert identify({"outlet": "RT на русском"}, {}).outlet.name == "RT"
    assert identify({"outlet": "cgtn norden"}, {}).outlet.name == "CGTN"
    assert identify({"outlet": "RTA – Radiotelevisione Adriatica"}, {}) is None
    assert identify({"outlet": "Rundfunk Nordwest"}, {}) is None


def test_independent_public_broadcasters_are_listed_but_not_state_controlled() -> None:
    hit = identify({"url": "https://www.bbc.co.uk/news"}, {})
    assert hit.outlet.typology == "IP" and not hit.outlet.state_controlled


def test_an_outlet_naming_itself_in_a_disclaimer_is_matched_last() -> None:
    notice = {7: "Durch die Sperrung von RT zielt die EU darauf ab, eine kritische Informationsquelle zum Schweigen zu bringen."}
    hit = identify({}, notice)
    assert hit.outlet.name == "RT" and hit.matched_by == "disclaimer" and hit.evidence == "7"
    assert identify({"url": "https://tass.com/world/1"}, notice).outlet.name == "TASS"  # the url is stronger evidence
    assert identify({}, {3: "Partagez cet article sur les réseaux sociaux."}) is None


def test_outlet_keys_are_registered_domains_and_platform_accounts() -> None:
    from propmark.credibility.domains import outlet_key

    assert outlet_key("https://news.bbc.co.uk/a") == "bbc.co.uk" and outlet_key("de.rt.com") == "rt.com"
    assert outlet_key("https://someone.blogspot.com/2020/01/x.html") == "someone.blogspot.com"
    assert outlet_key("https://blogspot.com/") is None  # the platform itself is no outlet
    assert outlet_key("https://t.me/SomeChannel/123") == "t.me/somechannel"
    assert outlet_key("https://www.youtube.com/@channel/videos") == "youtube.com/@channel"
    assert outlet_key("https://www.youtube.com/watch?v=abc") is None
    assert outlet_key("https://www.facebook.com/sharer.php?u=x") is None


def _lists(folder: Path) -> Path:
    (folder / "state_media_profiles_asd").mkdir(parents=True)
    (folder / "fakenewscorpus_websites").mkdir()
    (folder / "state_media_profiles_asd" / "State_Media_Matrix.csv").write_text(
        "Region,Country,Media company,Main assets,URL,Typology,Status\n"
        "Europe,Freedonia,Freedonian State Radio,FSR News,https://www.freedonia-radio.eu/,SC,\n"
        "Europe,Freedonia,Freedonian State Radio,FSR English,https://english.freedonia-radio.eu/en,CaPu,\n"
        "Europe,Sylvania,Sylvanian Broadcasting,SBC,https://sylvania-bc.eu/,ISFM?,\n"
        "Europe,Sylvania,Nobody,No URL,,SC,\n", encoding="utf-8")
    (folder / "fakenewscorpus_websites" / "websites.csv").write_text(
        ",url,type,2nd_type,3rd_type,active\n0,truthbombs-example.com,conspiracy,bias,,\n1,someone.blogspot.com,fake,,,\n"
        "2,magazine-example.com/humor,satire,,,\n3,vague-example.com,unknown,,,\n", encoding="utf-8")
    return folder


def test_the_outlet_table_merges_both_lists_with_provenance(tmp_path: Path, monkeypatch) -> None:
    from propmark.credibility import lists
    from propmark.credibility.outlets import registry
    from propmark.credibility.prior import prior_for

    table = lists.build(_lists(tmp_path / "source_lists"))
    by_key = {o.key: o for o in table}
    assert set(by_key) == {"freedonia-radio.eu", "sylvania-bc.eu", "truthbombs-example.com", "someone.blogspot.com", "magazine-example.com/humor"}
    fsr = by_key["freedonia-radio.eu"]
    assert fsr.asd_type == "SC" and fsr.provenance == ["asd:1", "asd:2"]  # two rows, one outlet: the most controlled type
    assert by_key["sylvania-bc.eu"].asd_type == "ISFM" and fsr.name == "FSR News" and fsr.country == "Freedonia"
    assert by_key["truthbombs-example.com"].fnc_types == ["conspiracy", "bias"]
    assert "vague-example.com" not in by_key  # "unknown" says nothing
    path = tmp_path / "outlets.jsonl"
    path.write_text(lists.to_jsonl(table), encoding="utf-8")
    monkeypatch.setattr(lists, "default_table", lambda: path)
    lists.load.cache_clear()
    registry.cache_clear()
    hit = identify({"url": "https://truthbombs-example.com/2017/a"}, {})
    assert hit.outlet.fnc_types == ("conspiracy", "bias") and hit.outlet.sources == ("fnc:1",)
    assert prior_for(hit.outlet).basis == "FakeNewsCorpus 'conspiracy'" and prior_for(hit.outlet).listed
    assert identify({"url": "https://other.blogspot.com/x"}, {}) is None  # one blog's entry is not the platform's
    assert identify({"url": "https://magazine-example.com/humor/piece"}, {}).outlet.fnc_types == ("satire",)
    assert identify({"url": "https://magazine-example.com/news/piece"}, {}) is None  # the entry is for one section
    assert identify({"outlet": "FSR News"}, {}).outlet.typology == "SC"
    assert identify({"url": "https://de.rt.com/a"}, {}).outlet.name == "RT"  # hand-checked entries stay


def test_mirror_domains_of_state_outlets_match_by_brand_pattern() -> None:
    assert identify({"url": "https://rtde.xyz/international/1"}, {}).outlet.name == "RT"
    assert identify({"url": "https://sputniknews-fr.com/a"}, {}).outlet.name == "Sputnik"
    assert identify({"url": "https://sputnik-tours.example.com/a"}, {}) is None


def test_unlisted_outlets_get_a_wide_prior_at_the_base_rate() -> None:
    from propmark.credibility.pooling import sigmoid
    from propmark.credibility.prior import prior_for

    unlisted, state = prior_for(None), prior_for(identify({"url": "https://de.rt.com/a"}, {}).outlet)
    assert not unlisted.listed and sigmoid(unlisted.mean) == pytest.approx(0.25) and unlisted.sd > state.sd
    assert state.listed and sigmoid(state.mean) > 0.5
    independent = prior_for(identify({"url": "https://www.bbc.co.uk/news"}, {}).outlet)
    assert sigmoid(independent.mean) < sigmoid(unlisted.mean)
