"""The outlet table built from the open lists: what ASD and FakeNewsCorpus say about each outlet, with provenance.

The lists are not the project's text, so they are never committed: ``propmark import
outlets ../shared/data/source_lists`` reads them where they lie and writes one JSON line per
outlet key to ``$PROPMARK_CACHE/outlet_lists.jsonl`` (or ``--out``); propmark reads that
table at start-up when it is there, and works from the hand-checked entries of
defaults/outlets.yaml alone when it is not. Each row keeps the list rows it came from, so
every fact shown in a report can be traced to a line of a public file.

- ``state_media_profiles_asd`` (Alliance for Securing Democracy, MIT): state-media outlets
  worldwide with the State Media Monitor typology (SC, CaPu, CaPr, ISFM, ISF, ISM, IP).
- ``fakenewscorpus_websites`` (FakeNewsCorpus / OpenSources, Apache-2.0): hosts with up to
  three types (fake, satire, bias, conspiracy, ...); "unknown" carries no information and is
  dropped. It dates from 2017 and is US-centred: absence from it says nothing.
"""

from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

from propmark.config import cache_dir
from propmark.credibility.domains import outlet_key
from propmark.errors import DataError, PropmarkError
from propmark.io.files import read_jsonl

ASD = "state_media_profiles_asd/State_Media_Matrix.csv"
FNC = "fakenewscorpus_websites/websites.csv"
TABLE = "outlet_lists.jsonl"
# The State Media Monitor codes, most state control first: a key whose rows disagree keeps
# the most controlled one (a broadcaster's captured sister site does not become independent).
ASD_TYPES = ("SC", "CaPu", "CaPr", "ISFM", "ISF", "ISM", "IP")


@dataclass
class ListedOutlet:
    key: str
    name: str = ""
    owner: str = ""
    country: str = ""
    asd_type: str | None = None
    fnc_types: list[str] = field(default_factory=list)
    provenance: list[str] = field(default_factory=list)  # "asd:<row>" / "fnc:<row>", 1-based data rows


def default_table() -> Path:
    return cache_dir() / TABLE


def _rows(path: Path) -> list[dict]:
    if not path.is_file():
        raise DataError(f"no {path.name} at {path}")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _asd_type(code: str) -> str | None:
    code = code.strip().rstrip("?")  # "ISFM?": the monitor's own doubt; the type stands
    return code if code in ASD_TYPES else None


def build(source_lists: Path) -> list[ListedOutlet]:
    """One row per outlet key from both lists, ASD's names and typology merged with FNC's types."""
    table: dict[str, ListedOutlet] = {}
    for number, row in enumerate(_rows(source_lists / ASD), 1):
        url, code = row.get("URL", "").strip(), _asd_type(row.get("Typology", ""))
        key = outlet_key(url) if url else None
        if key is None or code is None:
            continue
        entry = table.setdefault(key, ListedOutlet(key, row.get("Main assets", "").strip(), row.get("Media company", "").strip(),
                                                   row.get("Country", "").strip()))
        if entry.asd_type is None or ASD_TYPES.index(code) < ASD_TYPES.index(entry.asd_type):
            entry.asd_type = code
        entry.provenance.append(f"asd:{number}")
    for number, row in enumerate(_rows(source_lists / FNC), 1):
        url = row.get("url", "").strip().rstrip("/").split("#")[0]
        types = [t.strip() for t in (row.get("type"), row.get("2nd_type"), row.get("3rd_type")) if t and t.strip() not in ("", "unknown")]
        key = outlet_key(url) if url else None
        if key is None or not types:
            continue
        if "/" in url and "/" not in key:  # an entry for one section of a site (cato.org/blog)
            key = f"{key}/{url.split('/', 1)[1].split('/')[0].lower()}"
        entry = table.setdefault(key, ListedOutlet(key))
        entry.fnc_types += [t for t in types if t not in entry.fnc_types]
        entry.provenance.append(f"fnc:{number}")
    return sorted(table.values(), key=lambda o: o.key)


def to_jsonl(outlets: list[ListedOutlet]) -> str:
    return "".join(json.dumps(asdict(o), ensure_ascii=False) + "\n" for o in outlets)


@lru_cache(maxsize=4)
def load(path: Path | None = None) -> dict[str, ListedOutlet]:
    """The built table by key; empty when it was never built (the hand-checked entries still apply)."""
    path = path or default_table()
    if not path.is_file():
        return {}
    table = {}
    for number, record, problem in read_jsonl(path):
        try:
            if problem:
                raise ValueError(problem)
            outlet = ListedOutlet(**record)
        except (TypeError, ValueError) as exc:
            raise PropmarkError(f"{path}:{number}: not an outlet table row ({exc}); rebuild it with `propmark import outlets`") from None
        table[outlet.key] = outlet
    return table
