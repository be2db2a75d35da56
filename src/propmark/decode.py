"""Bytes -> text for crawled files, with the encoding that was chosen.

Crawls mix UTF-8 with legacy Windows and KOI8 code pages; guessing wrong turns a
Russian page into mojibake that the model then scores confidently. The candidates are
few (configs/batch.yaml) and tell apart by byte statistics, so a small deterministic
detector beats a general one, and its choice is recorded with every result.
"""

from __future__ import annotations

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


class BinaryContent(ValueError):
    """The bytes are not text in any supported encoding."""


def _legacy(data: bytes) -> str:
    high = [b for b in data if b >= 0x80]
    letters = sum(1 for b in data if (0x41 <= b <= 0x5A) or (0x61 <= b <= 0x7A)) + len(high)
    if high and len(high) > 0.3 * max(letters, 1):  # mostly non-ASCII letters: Cyrillic
        upper_half = sum(1 for b in high if b >= 0xE0)
        lower_half = sum(1 for b in high if 0xC0 <= b < 0xE0)
        return "cp1251" if upper_half >= lower_half else "koi8-r"
    if any(b in _CP1252_UNDEFINED for b in high):
        return "latin-1"
    return "cp1252"


def decode(data: bytes) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise ``BinaryContent`` for data that is not text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name).lstrip("\ufeff"), name.removesuffix("-sig")
            except UnicodeDecodeError as exc:
                raise BinaryContent(f"declares {name} by its byte-order mark but does not decode") from exc
    sample = data[:65536]
    if b"\x00" in sample:
        raise BinaryContent("binary file (NUL bytes)")
    controls = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0C, 0x0D))
    if controls > 0.01 * max(len(sample), 1):
        raise BinaryContent("binary file (control bytes)")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        name = _legacy(data)
        return data.decode(name), name
