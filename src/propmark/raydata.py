"""``propmark score --engine ray``: the same scoring on a Ray cluster, one loaded model per actor.

The driver cuts the inputs into blocks, deterministically and without reading the articles:
up to ``block_articles`` text/HTML files in the order ``propmark score`` reads them, a range
of lines of a JSONL file (found by scanning for line ends), or one row group of a Parquet
file. Ray Data hands the blocks to an actor pool (``map_batches``, one block per call); the
actor reads its block from any pyarrow filesystem (local paths or URIs such as
``s3://bucket/crawl/``), scores it in the same groups of ``group_articles`` a single process
uses, and writes ``block-00012.parquet`` (or ``.jsonl``) into the output folder under a
temporary name that is renamed when whole. A resumed run lists the folder and skips the
blocks already there: a killed run loses only the blocks in flight, and none is written twice.

Everything Ray-specific stays in this module; ``pip install "propmark[ray]"`` brings Ray.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from propmark.errors import PropmarkError
from propmark.io.readers import (
    HTML_SUFFIXES, SUFFIXES, InputOptions, InputProblem, article_from_bytes, article_from_record, jsonl_articles, text_stream,
)

BLOCK = re.compile(r"^block-(\d{5})\.(parquet|jsonl)$")
SCAN_CHUNK = 1 << 22


@dataclass(frozen=True)
class Block:
    """One unit of work: ``kind`` "files" (paths), "jsonl" (one file's byte range) or "parquet" (one row group)."""

    index: int
    kind: str
    paths: tuple[str, ...]
    start: int = 0  # jsonl: first byte; parquet: row group
    end: int = 0  # jsonl: byte after the last line
    first_line: int = 1  # jsonl: the number of the block's first line (the result ids name it)


def _filesystem(uri: str):
    from pyarrow import fs

    try:
        return fs.FileSystem.from_uri(uri) if "://" in uri else (fs.LocalFileSystem(), str(Path(uri).resolve()))
    except Exception as exc:  # pyarrow raises its own ArrowInvalid / OSError for unknown schemes
        raise PropmarkError(f"cannot open {uri}: {exc}") from None


def _list(uri: str) -> tuple[Any, list[str]]:
    """The supported files under ``uri`` (a file or a folder), sorted the way a single run reads them."""
    from pyarrow import fs

    filesystem, path = _filesystem(uri)
    info = filesystem.get_file_info(path)
    if info.type == fs.FileType.NotFound:
        raise PropmarkError(f"no such file or folder: {uri}")
    if info.type == fs.FileType.File:
        return filesystem, [path]
    found = filesystem.get_file_info(fs.FileSelector(path, recursive=True))
    files = [f.path for f in found if f.type == fs.FileType.File and f.path.lower().endswith(SUFFIXES + (".parquet",))]
    return filesystem, sorted(files, key=lambda p: [part.encode() for part in p.split("/")])


def _jsonl_ranges(filesystem, path: str, lines: int) -> list[tuple[int, int, int]]:
    """(first byte, end byte, first line number) per ``lines`` lines, from one scan for newlines."""
    ranges, start, count, line_of_start, offset = [], 0, 0, 1, 0
    with filesystem.open_input_stream(path) as handle:
        while chunk := handle.read(SCAN_CHUNK):
            position = 0
            while (found := chunk.find(b"\n", position)) != -1:
                count += 1
                position = found + 1
                if count == lines:
                    ranges.append((start, offset + position, line_of_start))
                    start, line_of_start, count = offset + position, line_of_start + lines, 0
            offset += len(chunk)
    if offset > start:
        ranges.append((start, offset, line_of_start))
    return ranges


def plan_blocks(inputs: list[str], block_articles: int = 64) -> tuple[Any, list[Block]]:
    """Blocks in input order; the same inputs always give the same blocks (that is what resume relies on)."""
    import pyarrow.parquet as pq

    blocks: list[Block] = []
    filesystem = None
    files: list[str] = []

    def flush_files() -> None:
        while files:
            blocks.append(Block(len(blocks), "files", tuple(files[:block_articles])))
            del files[:block_articles]

    kinds = {type(_filesystem(uri)[0]).__name__ for uri in inputs}
    if len(kinds) > 1:
        raise PropmarkError(f"--engine ray reads one filesystem per run; these inputs span {', '.join(sorted(kinds))}")
    for uri in inputs:
        filesystem, paths = _list(uri)
        for path in paths:
            suffix = Path(path).suffix.lower()
            if suffix == ".jsonl":
                flush_files()
                blocks += [Block(len(blocks) + i, "jsonl", (path,), a, b, line)
                           for i, (a, b, line) in enumerate(_jsonl_ranges(filesystem, path, block_articles))]
            elif suffix == ".parquet":
                flush_files()
                with filesystem.open_input_file(path) as handle:
                    groups = pq.ParquetFile(handle).metadata.num_row_groups
                blocks += [Block(len(blocks) + g, "parquet", (path,), g) for g in range(groups)]
            else:
                files.append(path)
    flush_files()
    return filesystem, blocks


def _articles(filesystem, block: Block, options: InputOptions) -> list:
    """The block's articles and input problems, named as a single run names them."""
    import pyarrow.parquet as pq

    if block.kind == "files":
        out = []
        for path in block.paths:
            suffix = Path(path).suffix.lower()
            try:
                with filesystem.open_input_stream(path) as handle:
                    data = handle.read()
            except OSError as exc:
                out.append(InputProblem(path, f"unreadable ({exc})"))
                continue
            if suffix == ".csv":
                from propmark.io.readers import csv_articles

                out += list(csv_articles(text_stream(io.BufferedReader(io.BytesIO(data))), path, options))
            else:
                out.append(article_from_bytes(path, data, suffix in HTML_SUFFIXES, options, {"path": path}))
        return out
    path = block.paths[0]
    if block.kind == "jsonl":
        with filesystem.open_input_file(path) as handle:
            handle.seek(block.start)
            data = handle.read(block.end - block.start)
        return list(jsonl_articles(text_stream(io.BufferedReader(io.BytesIO(data))), path, options, block.first_line))
    with filesystem.open_input_file(path) as handle:
        table = pq.ParquetFile(handle).read_row_group(block.start)
    return [article_from_record(row, f"{path}:rowgroup{block.start}:{i + 1}", options) for i, row in enumerate(table.to_pylist())]


class _Scorer:
    """One actor: the model loaded once, then block after block read, scored and written."""

    def __init__(self, model: str | None, precision: str | None, out_dir: str, fmt: str, uri: str, group: int) -> None:
        import torch

        from propmark.pipeline import Predictor

        torch.set_num_threads(1)
        self.predictor = Predictor.load(Path(model) if model else None, precision)
        self.out_fs, self.out_dir = _filesystem(out_dir)
        self.in_fs = _filesystem(uri)[0]
        self.fmt, self.group = fmt, group

    def __call__(self, batch: dict) -> dict:
        counts = {"block": [], "results": [], "problems": []}
        for spec in batch["block"]:
            block = Block(**json.loads(spec))
            items = _articles(self.in_fs, block, InputOptions())
            articles = [a for a in items if not isinstance(a, InputProblem)]
            problems = [p for p in items if isinstance(p, InputProblem)]
            results = [r for i in range(0, len(articles), self.group) for r in self.predictor.score_group(articles[i:i + self.group])]
            self._write(block.index, results, problems)
            counts["block"].append(block.index)
            counts["results"].append(len(results))
            counts["problems"].append(len(problems))
        return counts

    def _write(self, index: int, results: list, problems: list) -> None:
        name = f"block-{index:05d}.{self.fmt}"
        buffer = io.BytesIO()
        if self.fmt == "parquet":
            from propmark.io.export import write_parquet

            write_parquet(results, buffer, self.predictor.labels)
        else:
            buffer.write("".join(json.dumps(r.to_dict(), ensure_ascii=False) + "\n" for r in results).encode("utf-8"))
        if problems:
            self._put(f"block-{index:05d}.errors.jsonl",
                      "".join(json.dumps({"source": p.source, "reason": p.reason}, ensure_ascii=False) + "\n" for p in problems).encode("utf-8"))
        self._put(name, buffer.getvalue())  # last: a block counts as done only once its results are whole

    def _put(self, name: str, data: bytes) -> None:
        final = f"{self.out_dir}/{name}"
        tmp = f"{self.out_dir}/.{name}.tmp"
        with self.out_fs.open_output_stream(tmp) as handle:
            handle.write(data)
        self.out_fs.move(tmp, final)


@dataclass
class RaySummary:
    blocks: int
    skipped: int
    results: int
    problems: int
    out: str


def finished_blocks(out_dir: str) -> set[int]:
    from pyarrow import fs

    filesystem, path = _filesystem(out_dir)
    if filesystem.get_file_info(path).type == fs.FileType.NotFound:
        return set()
    names = [Path(f.path).name for f in filesystem.get_file_info(fs.FileSelector(path))]
    return {int(m.group(1)) for n in names if (m := BLOCK.match(n))}


def score_ray(inputs: list[str], out_dir: str, *, model: str | None = None, fmt: str = "parquet", resume: bool = False,
              address: str | None = None, actors: int | None = None, gpus_per_actor: float = 0.0,
              block_articles: int = 64, group_articles: int = 16, precision: str | None = None) -> RaySummary:
    """Score ``inputs`` (paths or URIs) into ``out_dir`` (a folder, one file per block) on a Ray cluster.

    ``address``: None starts a local Ray instance, "auto" joins the running one,
    "ray://host:10001" a remote cluster. ``block_articles`` should be a multiple of
    ``group_articles`` so blocks hold the same groups a single run scores.
    """
    if fmt not in ("parquet", "jsonl"):
        raise PropmarkError(f"--engine ray writes parquet or jsonl, not {fmt!r}")
    if block_articles % group_articles:
        raise PropmarkError(f"block_articles ({block_articles}) must be a multiple of group_articles ({group_articles})")
    try:
        import ray
        import ray.data
    except ImportError:
        raise PropmarkError('--engine ray needs Ray: pip install "propmark[ray]"') from None
    from pyarrow import fs

    out_fs, out_path = _filesystem(out_dir)
    existing = out_fs.get_file_info(out_path)
    finished = finished_blocks(out_dir)
    if existing.type == fs.FileType.File:
        raise PropmarkError(f"{out_dir} is a file; --engine ray writes a folder of blocks")
    if existing.type == fs.FileType.Directory and out_fs.get_file_info(fs.FileSelector(out_path)) and not resume:
        raise PropmarkError(f"{out_dir} is not empty: add --resume to continue that run, or choose another --out")
    out_fs.create_dir(out_path, recursive=True)
    _, blocks = plan_blocks(inputs, block_articles)
    todo = [b for b in blocks if b.index not in finished]
    if todo:
        if not ray.is_initialized():
            ray.init(address=address, include_dashboard=False, log_to_driver=False, configure_logging=False)
        pool = actors or max(1, int(ray.cluster_resources().get("CPU", 1)))
        dataset = ray.data.from_items([{"block": json.dumps(asdict(b))} for b in todo], override_num_blocks=len(todo))
        done = dataset.map_batches(
            _Scorer, batch_size=1, concurrency=min(pool, len(todo)), num_cpus=1, num_gpus=gpus_per_actor,
            fn_constructor_kwargs={"model": model, "precision": precision, "out_dir": out_dir, "fmt": fmt,
                                   "uri": inputs[0], "group": group_articles},
        ).take_all()
    else:
        done = []
    return RaySummary(len(blocks), len(blocks) - len(todo), sum(d["results"] for d in done), sum(d["problems"] for d in done), out_dir)
