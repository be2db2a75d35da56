"""HTML -> page text, one line per text block, each line with its layout.

propmark flags boilerplate, so by default every text block of the page is kept (menus,
link lists, footers, comment sections are what the boilerplate marker must see), and each
line keeps where it stood: its block tag, how much of it is link text, and whether it sat
inside nav/header/footer/aside or a comment section. Parsing is lexbor's HTML5
parser (selectolax): it recovers pages the way browsers do (an unclosed ``<head>``, a
stray ``</body``), where the stdlib tokenizer this replaced lost whole pages, and it
is about 4x faster (4.4 against 16.9 ms a page). ``main_only`` delegates to trafilatura, the
best main-text extractor measured on article_extraction_benchmark; matched back onto the
block lines it scores token F1 0.952 there (trafilatura's own text 0.944; README "Text
pipeline", ``scripts/measure_html.py``).
The block walk is hand-written because no library keeps per-line layout with offsets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "dd", "details", "dialog", "div", "dl", "dt", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "li", "main",
    "nav", "ol", "p", "pre", "section", "table", "tbody", "thead", "tfoot", "td", "th", "tr", "ul", "option", "button",
    "caption", "summary", "label", "legend", "menu", "select", "textarea", "html",
})
_BREAK = frozenset({"br", "hr"})
# noscript stays: lexbor parses it as markup (scripting off), and an unclosed <div> inside
# one would take the rest of the page with it if it were dropped.
_SKIP = ["script", "style", "template", "svg", "iframe", "object", "canvas", "head", "math"]
_REGIONS = ("nav", "header", "footer", "aside")
# A comment section names itself in an id or class token ("comments", "comment-list",
# "disqus_thread"); a substring would also catch "no-comments" or a body's "showing-comments".
_COMMENTS = re.compile(r"^(?:comments?|comment[-_]?(?:list|section|area|s|thread|wrap|wrapper|container|block)|commentlist"
                       r"|kommentare?|kommentarer|disqus(?:_thread)?|respond|discussion)$", re.I)
_SPACE = re.compile(r"\s+")
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero-width marks
_FURNITURE = frozenset({"nav", "footer", "aside", "comments"})
_MAX_TITLE = 300


@dataclass(frozen=True)
class Block:
    """One line of page text: ``text[start:end]`` and where it stood on the page."""

    start: int
    end: int
    tag: str  # the nearest block element: p, li, h2, td, div, ...
    link_density: float  # share of the line's characters inside <a>
    region: str  # "", or the innermost of nav/header/footer/aside/comments around it

    def as_dict(self) -> dict:
        return {"tag": self.tag, "link_density": round(self.link_density, 3), "region": self.region}


@dataclass(frozen=True)
class Page:
    text: str
    blocks: tuple[Block, ...]
    title: str | None = None
    lang: str | None = None  # the page's own <html lang>, as declared


def _region(node, cache: dict[int, str]) -> str:
    """The innermost furniture region around a block element (cached per element)."""
    key = node.mem_id
    if key in cache:
        return cache[key]
    found = ""
    current = node
    while current is not None and current.tag not in ("body", "html", "-document"):
        tag = current.tag
        if tag in _REGIONS:
            found = tag
            break
        attrs = current.attributes
        if any(_COMMENTS.match(token) for token in f"{attrs.get('id') or ''} {attrs.get('class') or ''}".split()):
            found = "comments"
            break
        current = current.parent
    cache[key] = found
    return found


def _container(node) -> tuple[object, bool]:
    """The nearest block element above a text node, and whether a link lies in between."""
    in_link = False
    parent = node.parent
    while parent is not None and parent.tag not in _BLOCK:
        if parent.tag == "a":
            in_link = True
        parent = parent.parent
    return parent, in_link


class _Lines:
    def __init__(self) -> None:
        self.lines: list[tuple[str, str, float, str]] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.tag = ""
        self.region = ""

    def add(self, text: str, in_link: bool) -> None:
        self.parts.append(text)
        if in_link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        line = _SPACE.sub(" ", "".join(self.parts)).strip()
        if line:
            self.lines.append((line, self.tag, min(1.0, self.link_chars / len(line)), self.region))
        self.parts, self.link_chars = [], 0


def _all_blocks(tree) -> list[tuple[str, str, float, str]]:
    root = tree.body or tree.root
    if root is None:
        return []
    out = _Lines()
    regions: dict[int, str] = {}
    current = None
    for node in root.traverse(include_text=True):
        tag = node.tag
        if tag == "-text":
            text = node.text_content
            if not text:
                continue
            container, in_link = _container(node)
            key = container.mem_id if container is not None else 0
            if key != current:
                out.flush()
                current = key
                out.tag = container.tag if container is not None else ""
                out.region = _region(container, regions) if container is not None else ""
            out.add(text, in_link)
        elif tag in _BREAK or tag in _BLOCK:
            out.flush()
            current = None
    out.flush()
    return out.lines


def _main_only(html: str, lines: list[tuple[str, str, float, str]]) -> list[tuple[str, str, float, str]]:
    """The page's lines that trafilatura keeps as main text, with their layout.

    Matching trafilatura's output back onto the block lines keeps each line's layout and
    its boundaries (trafilatura joins a headline and a short body into one paragraph).
    Both sides are compared without soft hyphens and zero-width marks. A short line also
    needs to stand outside page furniture, where menu words recur in the body. Where the
    matched lines hold much less than trafilatura found, its own paragraphs are used.
    """
    import trafilatura

    main = trafilatura.extract(html, include_comments=False, include_tables=True, deduplicate=False)
    if not main:
        return [line for line in lines if line[3] not in _FURNITURE]
    flat = _SPACE.sub(" ", main.translate(_INVISIBLE))
    kept = []
    for line in lines:
        text = _SPACE.sub(" ", line[0].translate(_INVISIBLE)).strip()
        if text and text in flat and (len(text) >= 40 or line[3] not in _FURNITURE):
            kept.append(line)
    if sum(len(line[0].split()) for line in kept) < 0.8 * len(flat.split()):
        return [(p, "main", 0.0, "") for p in (_SPACE.sub(" ", x).strip() for x in main.splitlines()) if p]
    return kept


def parse(html: str, main_only: bool = False) -> Page:
    """The page's text blocks, one per line, whitespace inside a block collapsed."""
    from selectolax.lexbor import LexborHTMLParser

    tree = LexborHTMLParser(html)
    title_node = tree.css_first("title")
    title = _SPACE.sub(" ", title_node.text()).strip()[:_MAX_TITLE] if title_node is not None else None
    html_node = tree.css_first("html")
    lang = (html_node.attributes.get("lang") or None) if html_node is not None else None
    tree.strip_tags(_SKIP)
    lines = _all_blocks(tree)
    if main_only:
        lines = _main_only(html, lines)
    blocks, offset = [], 0
    for line, tag, density, region in lines:
        blocks.append(Block(offset, offset + len(line), tag, density, region))
        offset += len(line) + 1
    return Page("\n".join(line for line, *_ in lines), tuple(blocks), title or None, lang)


def html_to_text(html: str, main_only: bool = False) -> str:
    return parse(html, main_only).text
