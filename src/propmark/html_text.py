"""HTML -> plain text, one line per text block, so page furniture stays visible.

propmark flags boilerplate, so by default menus, link lists and footers are kept as
lines (that is what the model was trained to recognise). ``main_only`` keeps just the
``<article>``/``<main>`` content, or drops nav/header/footer/aside when a page has neither.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = {
    "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul", "title", "option", "button", "caption", "summary", "details", "label",
}
_SKIP = {"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "canvas"}
_CHROME = {"nav", "header", "footer", "aside"}
_MAIN = {"article", "main"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "area", "base", "col", "embed", "source", "track", "wbr"}


class _Blocks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[tuple[str, bool, bool]] = []  # (text or "\n", inside main, inside chrome)
        self.stack: list[str] = []
        self.skip = 0
        self.main = 0
        self.chrome = 0
        self.saw_main = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIP:
            self.skip += 1
        if tag in _VOID:
            if tag in _BLOCK:
                self.pieces.append(("\n", self.main > 0, self.chrome > 0))
            return
        self.stack.append(tag)
        if tag in _MAIN:
            self.main += 1
            self.saw_main = True
        if tag in _CHROME:
            self.chrome += 1
        if tag in _BLOCK:
            self.pieces.append(("\n", self.main > 0, self.chrome > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag not in self.stack:
            return
        while self.stack:
            open_tag = self.stack.pop()
            if open_tag in _SKIP:
                self.skip = max(0, self.skip - 1)
            if open_tag in _MAIN:
                self.main -= 1
            if open_tag in _CHROME:
                self.chrome -= 1
            if open_tag in _BLOCK:
                self.pieces.append(("\n", self.main > 0, self.chrome > 0))
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.skip:  # source line breaks are layout, not blocks
            self.pieces.append((re.sub(r"\s+", " ", data), self.main > 0, self.chrome > 0))


def html_to_text(html: str, main_only: bool = False) -> str:
    """The page's text blocks, one per line, whitespace inside a block collapsed."""
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    keep = []
    for text, in_main, in_chrome in parser.pieces:
        if main_only and text != "\n" and ((parser.saw_main and not in_main) or in_chrome):
            continue
        keep.append(text)
    lines = (re.sub(r" +", " ", line).strip() for line in "".join(keep).split("\n"))
    return "\n".join(line for line in lines if line)
