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
