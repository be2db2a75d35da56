"""Bytes -> text, never raising on a byte, with a record of how the encoding was chosen.

Order: a byte-order mark; UTF-16/32 recognised by its NUL pattern when the mark is missing;
strict UTF-8 (most of the web, and the fast path); UTF-8 with a few broken lines, which
are repaired one by one instead of garbling the whole file ("PrÃ¤sident"); the charset a
page declares (``<meta charset>``, http-equiv, an XML declaration); and only then
charset-normalizer over the legacy code pages of defaults/text.yaml, ruling out decodings
that yield C1 controls. On the project's articles re-encoded, the byte-statistics guesser
this replaced decoded Polish cp1250 0 of 12 and Ukrainian KOI8-U 0 of 19; this decodes
them all (README "Text pipeline", ``scripts/measure_decode.py``).
Whatever is chosen, the last step decodes with replacement, so a stray byte costs one
character, never the file or the batch.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from propmark.config import load_config

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_DECLARED = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+-]{2,40})|<\?xml[^>]{0,100}?encoding\s*=\s*["']([A-Za-z0-9_.:+-]{2,40})""", re.I)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_STRAY = bytes([0x81, 0x8D, 0x8F, 0x90, 0x98, 0x9D])
# WHATWG: labels that browsers decode with a superset codec (keyed by Python's codec name).
_SUPERSETS = {"iso8859-1": "cp1252", "ascii": "cp1252", "gb2312": "gb18030", "gbk": "gb18030", "iso8859-9": "cp1254"}
_ALIASES = {"windows-874": "cp874", "x-sjis": "shift_jis", "x-cp1250": "cp1250", "x-cp1251": "cp1251"}
_C1 = re.compile("[\x80-\x9f]")  # C1 controls: a decoding that yields them is the wrong code page


class BinaryContent(ValueError):
    """The bytes are not text in any encoding (an image, an archive, an executable)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # the codec that decoded (most of) the text
    method: str  # bom | utf-16-pattern | utf-8 | utf-8-repaired | declared | detected
    repaired: int = 0  # lines decoded apart from the rest, plus characters replaced or dropped

    def meta(self) -> dict:
        meta = {"encoding": self.encoding, "encoding_method": self.method}
        if self.repaired:
            meta["encoding_repaired"] = self.repaired
        return meta


@lru_cache(maxsize=1)
def _settings() -> dict:
    return load_config("text")["decode"]


def _codec(label: str) -> str | None:
    """A Python codec name for a declared label, or None when Python does not know it."""
    label = label.strip().lower()
    try:
        name = codecs.lookup(_ALIASES.get(label, label)).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def declared_charset(data: bytes) -> str | None:
    """The charset a page declares in its first 4 KB, as a Python codec name."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii", "ignore"))


def _utf16_without_bom(sample: bytes) -> str | None:
    """Mostly-Latin UTF-16 has a NUL in every other byte: in the odd bytes (LE) or the even ones (BE)."""
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul > 0.4 and even_nul < 0.05:
        return "utf-16-le"
    if even_nul > 0.4 and odd_nul < 0.05:
        return "utf-16-be"
    return None


def _replaced(data: bytes, codec: str) -> tuple[str, int]:
    text = data.decode(codec, errors="replace")
    return text, text.count("\ufffd")


def _legacy(data: bytes) -> str:
    """charset-normalizer's choice among the legacy code pages, Western text going to cp1252.

    Decodings that yield C1 control characters are ruled out (no real text holds them, and
    they are what a wrong Western page looks like). Of the rest with the least chaos, the
    most coherent wins; near ties (within 0.02, below what charset-normalizer's language
    scores can tell apart) go to the order of the candidates (cp1252 first), and a
    decoding that cp1252 gives identically is named cp1252, so German or Norwegian text is
    not called Central European. Where charset-normalizer offers nothing, each candidate is
    tried on its own.
    """
    from charset_normalizer import from_bytes

    cfg = _settings()
    candidates = list(cfg["candidates"])
    order = [_codec(c) for c in candidates]
    # Bytes that several code pages leave undefined would rule out the right one over one
    # stray byte (a cp1251 page with an 0x98); they are left out of the guess, not the text.
    sample = data.translate(None, _STRAY)
    matches = [m for m in from_bytes(sample, cp_isolation=candidates) if not _C1.search(str(m))]
    if not matches:
        matches = [m for c in candidates for m in from_bytes(sample, cp_isolation=[c]) if not _C1.search(str(m))]
    if not matches:
        return "cp1252"
    least = min(m.chaos for m in matches)
    calm = [m for m in matches if m.chaos <= least + 0.01]
    rank = {codec: i for i, codec in enumerate(order)}
    coherent = max(m.coherence for m in calm)
    best = min((m for m in calm if m.coherence >= coherent - 0.02), key=lambda m: rank.get(_codec(m.encoding), len(rank)))
    names = {_codec(name) for name in best.could_be_from_charset} | {_codec(best.encoding)}
    for codec in (_codec(c) for c in cfg["western"]):
        if codec in names:
            return codec
    return _codec(best.encoding) or "cp1252"


def _repair_lines(data: bytes) -> Decoded | None:
    """UTF-8 with some broken bytes: repaired line by line instead of re-reading the whole file.

    Only when the valid UTF-8 characters outnumber the broken bytes (a file in one legacy
    code page breaks on nearly every non-ASCII byte and goes to whole-file detection
    instead). A broken line with no valid UTF-8 in it is a line pasted in from a legacy code
    page and is decoded in the one that fits those lines; a line with some valid UTF-8 keeps
    it, and each stray byte becomes one replacement character.
    """
    text = data.decode("utf-8", errors="replace")
    broken = text.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    valid = sum(1 for ch in text if ord(ch) > 0x7F) - text.count("\ufffd")
    if valid == 0 or valid < broken:
        return None
    lines = data.split(b"\n")
    legacy_lines, stray = [], 0
    for i, line in enumerate(lines):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if _UTF8_MULTIBYTE.search(line):
                stray += 1
            else:
                legacy_lines.append(i)
    legacy = _legacy(b"\n".join(lines[i] for i in legacy_lines)) if legacy_lines else "cp1252"
    pasted = set(legacy_lines)
    out = [line.decode(legacy, errors="replace") if i in pasted else line.decode("utf-8", errors="replace")
           for i, line in enumerate(lines)]
    return Decoded("\n".join(out), "utf-8", "utf-8-repaired", len(pasted) + stray)


def decode(data: bytes, declared: str | None = None) -> Decoded:
    """Decode ``data``; raise ``BinaryContent`` only for data that is not text at all.

    ``declared`` is a charset the container names (an HTML page's meta tag, an HTTP
    header); it is trusted after UTF-8, since many pages that declare latin-1 are UTF-8.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            text, bad = _replaced(data[len(bom):], name)
            return Decoded(text, name, "bom", bad)
    sample = data[:65536]
    wide = _utf16_without_bom(sample)
    if wide:
        text, bad = _replaced(data, wide)
        return Decoded(text, wide, "utf-16-pattern", bad)
    cfg = _settings()
    nuls = sample.count(0)
    if nuls > cfg["max_nul_share"] * max(len(sample), 1):
        raise BinaryContent("binary file (NUL bytes)")
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x1B))
    if controls > cfg["max_control_share"] * max(len(sample), 1):
        raise BinaryContent("binary file (control bytes)")
    dropped = data.count(0)
    if dropped:
        data = data.replace(b"\x00", b"")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", "utf-8", dropped)
    except UnicodeDecodeError:
        pass
    repaired = _repair_lines(data)
    if repaired is not None:
        return Decoded(repaired.text, repaired.encoding, repaired.method, repaired.repaired + dropped)
    if declared and declared not in ("utf-8",):
        try:
            return Decoded(data.decode(declared), declared, "declared", dropped)
        except (UnicodeDecodeError, LookupError):
            pass
    codec = _legacy(data)
    text, bad = _replaced(data, codec)
    return Decoded(text, codec, "detected", bad + dropped)
