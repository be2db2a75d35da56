"""Measure propmark's decoding stage (``propmark.text.decode``): bytes -> text.

    python scripts/measure_decode.py [--data ../shared/data] [--limit N] [--json]

round trip  the project's own articles (training/corpus/*.jsonl, sentences grouped by
            doc_id and joined with "\\n") encoded in the legacy code pages their language
            uses, then ``decode(data)`` with no declared charset: exact text matches per
            (language, code page), with charset-normalizer's ``from_bytes(data).best()``
            alone as a reference. An article a code page cannot encode is retried with its
            typographic punctuation folded to ASCII (quotes, guillemets, dashes: what
            legacy-encoded pages used instead); still failing, it is skipped and counted.
            Pure-ASCII articles decode trivially and are counted apart.
real pages  every real HTML page of the corpora (scripts/measure_html.py ``iter_pages``):
            declared charset x chosen encoding x method, declared non-UTF-8 charsets that
            were overridden (and whether the text then differs from the declared
            decoding), pages whose text holds U+FFFD (and whether the raw page already
            did, as UTF-8 EF BF BD), and pages whose text holds C1 controls U+0080-U+009F
            (a sign of cp1252 bytes decoded as latin-1 or another ISO code page).
robustness  a few synthetic byte strings built here: what ``decode`` returns or raises,
            and whether the text is the one expected.
"""

from __future__ import annotations

import codecs
import json
import random
import re
import statistics
import time
from collections import Counter, defaultdict
from pathlib import Path

from _corpora import common_options
from measure_html import iter_pages, source_versions

WESTERN = ("cp1252", "iso8859_15")
CODE_PAGES = {
    "pl": ("cp1250", "iso8859_2"),
    "uk": ("koi8_u", "cp1251"),
    "ru": ("cp1251", "koi8_r"),
    **{lang: WESTERN for lang in ("de", "fr", "es", "it", "en", "nb", "da", "sv")},
}
FOLD = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"', "\u2018": "'", "\u2019": "'",
    "\u2039": "<", "\u203a": ">", "\u2013": "-", "\u2014": "-", "\u2026": "...", "\u00a9": "(c)", "\u00b7": ".", "\u2219": ".",
})
C1 = re.compile("[\u0080-\u009f]")


def codec_name(label: str) -> str:
    return codecs.lookup(label).name


def load_articles(corpus: Path) -> list[tuple[str, str]]:
    """(lang, text) per doc_id, sentences in file order joined with newlines."""
    sentences: dict[str, list[str]] = defaultdict(list)
    langs: dict[str, str] = {}
    for path in sorted(corpus.glob("*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                sentences[row["doc_id"]].append(row["text"])
                langs[row["doc_id"]] = row["lang"]
    return [(langs[doc], "\n".join(lines)) for doc, lines in sentences.items()]


def timed(func, *args):
    start = time.perf_counter()
    value = func(*args)
    return value, (time.perf_counter() - start) * 1000


def encode(text: str, code_page: str) -> tuple[bytes | None, str]:
    """The text in ``code_page`` as is, else with its punctuation folded; (None, text) when neither encodes."""
    for candidate in (text, text.translate(FOLD)):
        try:
            return candidate.encode(code_page), candidate
        except UnicodeEncodeError:
            pass
    return None, text


def round_trip(corpus: Path) -> dict:
    from charset_normalizer import from_bytes

    from propmark.text.decode import decode

    def normalizer(data: bytes) -> str | None:
        best = from_bytes(data).best()
        return str(best) if best is not None else None

    rows: dict[str, dict] = {}
    for lang, text_as_is in load_articles(corpus):
        for code_page in CODE_PAGES.get(lang, ()):
            row = rows.setdefault(f"{lang} {code_page}", {"articles": 0, "folded": 0, "skipped": 0, "ascii": 0, "propmark ok": 0,
                                                          "normalizer ok": 0, "propmark chose": Counter(), "ms": [], "ms normalizer": []})
            data, text = encode(text_as_is, code_page)
            if data is None:
                row["skipped"] += 1
                continue
            row["articles"] += 1
            row["folded"] += text != text_as_is
            row["ascii"] += data.isascii()
            decoded, ms = timed(decode, data)
            guessed, ms_cn = timed(normalizer, data)
            row["propmark ok"] += decoded.text == text
            row["normalizer ok"] += guessed == text
            if decoded.text != text:
                row["propmark chose"][f"{decoded.encoding}/{decoded.method}"] += 1
            row["ms"].append(ms)
            row["ms normalizer"].append(ms_cn)
    for row in rows.values():
        for key in ("ms", "ms normalizer"):
            times = row.pop(key)
            row[f"{key} median"] = statistics.median(times) if times else 0.0
        row["propmark chose"] = dict(row["propmark chose"])
    return rows


def real_pages(data: Path, limit: int) -> dict:
    from propmark.text.decode import decode, declared_charset

    combos: Counter = Counter()
    counts: Counter = Counter()
    replaced_by_method: Counter = Counter()
    c1_by_choice: Counter = Counter()
    errors: list[str] = []
    for source, name, raw in iter_pages(data, limit):
        counts["pages"] += 1
        declared = declared_charset(raw)
        try:
            decoded = decode(raw, declared)
        except Exception as exc:  # noqa: BLE001 - counting every failure is the point
            errors.append(f"{source} {name}: {type(exc).__name__}: {exc}")
            continue
        combos[(declared or "-", codec_name(decoded.encoding), decoded.method)] += 1
        if declared and declared != "utf-8":
            counts["declared non-UTF-8"] += 1
            if codec_name(decoded.encoding) != declared:
                counts["overridden"] += 1
                counts[f"overridden to {codec_name(decoded.encoding)}"] += 1
                counts["overridden, text differs from declared decoding"] += decoded.text != raw.decode(declared, errors="replace")
        if C1.search(decoded.text):
            counts["text has C1 controls"] += 1
            c1_by_choice[f"{declared or '-'} -> {codec_name(decoded.encoding)}/{decoded.method}"] += 1
        if "\ufffd" in decoded.text:
            counts["text has U+FFFD"] += 1
            counts["text has U+FFFD, raw page already had EF BF BD"] += b"\xef\xbf\xbd" in raw
            replaced_by_method[decoded.method] += 1
    order = ["pages", "declared non-UTF-8", "overridden", *sorted(k for k in counts if k.startswith("overridden to")),
             "overridden, text differs from declared decoding", "text has U+FFFD",
             "text has U+FFFD, raw page already had EF BF BD", "text has C1 controls"]
    return {
        "counts": {key: counts[key] for key in order},
        "fffd_by_method": dict(replaced_by_method),
        "c1_by_choice": dict(c1_by_choice.most_common()),
        "combos": [{"declared": d, "encoding": e, "method": m, "pages": n} for (d, e, m), n in combos.most_common()],
        "errors": errors,
    }


def synthetic_cases() -> list[tuple[str, bytes, str | None, str | None]]:
    """(name, bytes, declared charset, expected text or None when an exception is expected).

    The last three reproduce, in text written here, misses seen on real pages and on the
    project's articles (a latin-1 label, French cp1252, Polish ISO-8859-2).
    """
    from propmark.text.decode import declared_charset

    german = ["Die Brücke über den Fluss wird größer.", "Im Süden regnet es häufig.", "Das Rathaus öffnet um acht Uhr."]
    mixed = "\n".join(german)
    mixed_bytes = b"\n".join([german[0].encode("utf-8"), german[1].encode("cp1252"), german[2].encode("utf-8")])
    english = "Plain English text, stored as UTF-16 without a byte-order mark.\n" * 4
    page = "<html><body><p>Eine kurze Seite mit Umlauten: Grüße.</p></body></html>\n" * 20
    nul_page = page.encode("utf-8")
    nul_page = nul_page[:100] + b"\x00" + nul_page[100:500] + b"\x00\x00" + nul_page[500:]
    russian = "Погода в Москве будет тёплой.\nВ субботу ожидается дождь, в воскресенье солнце.\n" * 3
    stray = russian.encode("cp1251").replace(b".", b".\x98", 1)  # 0x98 is undefined in cp1251
    stray_text = russian.replace(".", ".\ufffd", 1)
    latin1_page = b'<html><head><meta charset="iso-8859-1"></head><body><p>\x93Caf\xe9\x94 \x96 5 \x80</p></body></html>'
    french = ("Selon le ministère, 40 000 personnes étaient présentes.\nLa préfecture a publié un arrêté.\n"
              "« C'est une catastrophe », dit un commerçant.\nLe trafic ferroviaire reprendra lundi.")
    polish = ("Minister zapowiedział podwyżkę płac dla nauczycieli.\nZwiązkowcy uważają, że to za mało.\n"
              "Strajk może się rozpocząć już we wrześniu.\nRodzice uczniów są zaniepokojeni.\nSzkoły przygotowują plan zajęć zdalnych.")
    return [
        ("UTF-8 with one cp1252 line", mixed_bytes, None, mixed),
        ("UTF-16-LE without BOM", english.encode("utf-16-le"), None, english),
        ("UTF-8 page with 3 NUL bytes", nul_page, None, page),
        ("4 KB random bytes", random.Random(0).randbytes(4096), None, None),
        ("cp1251 text with byte 0x98", stray, None, stray_text),
        ("same, declared cp1251", stray, "cp1251", stray_text),
        ("empty input", b"", None, ""),
        ("page declaring iso-8859-1", latin1_page, declared_charset(latin1_page), latin1_page.decode("cp1252")),  # WHATWG: windows-1252
        ("French sentences in cp1252", french.encode("cp1252"), None, french),
        ("Polish sentences in ISO-8859-2", polish.encode("iso8859_2"), None, polish),
    ]


def robustness() -> list[dict]:
    from propmark.text.decode import decode

    rows = []
    for name, data, declared, expected in synthetic_cases():
        try:
            got = decode(data, declared)
            rows.append({"case": name, "encoding": got.encoding, "method": got.method, "repaired": got.repaired,
                         "text as expected": got.text == expected,
                         "result": "decoded" if expected is not None else "decoded, expected an exception"})
        except Exception as exc:  # noqa: BLE001 - the exception is the result
            rows.append({"case": name, "result": f"{type(exc).__name__}: {exc}", "text as expected": expected is None})
    return rows


def print_tables(result: dict) -> None:
    print("Round trip of the project's articles: exact text matches (ok counts include the pure-ASCII ones)")
    print(f"{'lang code page':<18} {'articles':>8} {'folded':>6} {'skipped':>7} {'ascii':>5} {'propmark':>8} {'normalizer':>10} "
          f"{'ms med':>7} {'ms cn':>7}  propmark's misses")
    for key, row in result["round_trip"].items():
        misses = ", ".join(f"{k} x{v}" for k, v in row["propmark chose"].items())
        print(f"{key:<18} {row['articles']:>8} {row['folded']:>6} {row['skipped']:>7} {row['ascii']:>5} {row['propmark ok']:>8} {row['normalizer ok']:>10} "
              f"{row['ms median']:>7.2f} {row['ms normalizer median']:>7.2f}  {misses}")
    pages = result["real_pages"]
    print("\nReal pages: declared charset x encoding chosen x method")
    print(f"{'declared':<14} {'encoding':<12} {'method':<16} {'pages':>6}")
    for row in pages["combos"]:
        print(f"{row['declared']:<14} {row['encoding']:<12} {row['method']:<16} {row['pages']:>6}")
    for key, value in pages["counts"].items():
        print(f"{key}: {value}")
    print("U+FFFD pages by method: " + ", ".join(f"{k} {v}" for k, v in pages["fffd_by_method"].items()))
    print("C1-control pages by declared -> chosen: " + ", ".join(f"{k} {v}" for k, v in pages["c1_by_choice"].items()))
    for error in pages["errors"]:
        print(f"  error: {error}")
    print("\nRobustness on synthetic bytes")
    print(f"{'case':<30} {'encoding':<10} {'method':<16} {'repaired':>8} {'as expected':>11}  result")
    for row in result["robustness"]:
        print(f"{row['case']:<30} {row.get('encoding', '-'):<10} {row.get('method', '-'):<16} {row.get('repaired', '-'):>8} "
              f"{str(row['text as expected']):>11}  {row['result']}")
    print(f"\npropmark sources: {result['sources']}; {result['seconds']:.0f} s")


def main() -> None:
    parser = common_options(__doc__, corpus=True)
    parser.add_argument("--limit", type=int, default=0, help="at most N real pages per source (default: all)")
    args = parser.parse_args()
    start = time.perf_counter()
    result = {"round_trip": round_trip(args.corpus), "real_pages": real_pages(args.data, args.limit), "robustness": robustness()}
    result["sources"] = source_versions("propmark.text.decode")
    result["seconds"] = time.perf_counter() - start
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
    else:
        print_tables(result)


if __name__ == "__main__":
    main()
