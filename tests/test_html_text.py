from propmark.text.html import html_to_text

PAGE = """<!doctype html><html><head><title>T</title><style>p{}</style><script>var x = "<p>no</p>";</script></head>
<body><nav><ul><li><a href="/">Startseite</a></li><li>Politik</li></ul></nav>
<header>Rheinischer Bote</header>
<article><h1>Regierung &amp; Opposition einigen sich</h1>
<p>Die Regierung hat sich am Mittwoch   mit der
Opposition geeinigt.<br>Das sagte der Sprecher.</p>
<figure><img src="x.jpg"><figcaption>Foto: dpa</figcaption></figure></article>
<aside><h3>Mehr zum Thema</h3><ul><li>Streit um Haushalt</li></ul></aside>
<footer>&copy; 2024 Rheinischer Bote</footer></body></html>"""


def test_keeps_every_block_as_a_line_by_default() -> None:
    assert html_to_text(PAGE).split("\n") == [
        "Startseite", "Politik", "Rheinischer Bote", "Regierung & Opposition einigen sich",
        "Die Regierung hat sich am Mittwoch mit der Opposition geeinigt.", "Das sagte der Sprecher.",
        "Foto: dpa", "Mehr zum Thema", "Streit um Haushalt", "© 2024 Rheinischer Bote",
    ]


def test_main_only_keeps_the_article() -> None:
    assert html_to_text(PAGE, main_only=True).split("\n") == [
        "Regierung & Opposition einigen sich",
        "Die Regierung hat sich am Mittwoch mit der Opposition geeinigt.", "Das sagte der Sprecher.", "Foto: dpa",
    ]


def test_main_only_without_article_drops_chrome() -> None:
    page = "<nav>Menü</nav><div><p>Text eins.</p></div><footer>Impressum</footer>"
    assert html_to_text(page, main_only=True) == "Text eins."


def test_broken_markup_does_not_crash() -> None:
    assert html_to_text("<div><p>eins<li>zwei</div></span>drei") == "eins\nzwei\ndrei"
