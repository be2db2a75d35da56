"""Score files and folders into a results journal: resumable, locked, never stopped by one bad input.

Articles are classified in fixed groups by their position in the input stream, and a
resumed run recomputes a partly finished group whole, so batches (and therefore every
score) are the same as in an uninterrupted run. The same groups make shards: ``--shard
K/N`` scores groups K, K+N, K+2N, ... (and the input problems that fall among them), so N
independent processes on any scheduler split a run, and ``merge`` interleaves their
journals back into the file one process would have written. A run manifest beside the journal
(``OUT.run.json``) records the model, the settings and the inputs, so ``--resume``
continues only the same run; an OS lock on ``OUT.lock`` keeps a second writer out.
Every check on arguments and paths happens before the model is loaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from propmark.config.schemas import BatchConfig
from propmark.errors import PropmarkError
from propmark.io.export import FORMATS, export, format_for, is_export
from propmark.io.files import atomic_file, write_text
from propmark.io.journal import Journal, check_target
from propmark.io.readers import STDIN, Article, InputOptions, InputProblem, check_paths, discover, display, inode, iter_articles, read_meta


@dataclass
class BatchSummary:
    scored: int = 0
    resumed: int = 0
    problems: int = 0
    seconds: float = 0.0
    sentences: int = 0
    markers: dict = field(default_factory=dict)
    bands: dict = field(default_factory=dict)
    samples: list = field(default_factory=list)  # the first results, for a terminal table
    problem_samples: list = field(default_factory=list)  # the first input problems, to print
    out: Path | None = None
    errors: Path | None = None


def parse_shard(text: str) -> tuple[int, int]:
    """``"K/N"`` -> (K, N), 1 <= K <= N; anything else is the user's mistake, said plainly."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise PropmarkError(f"--shard takes K/N (this process's shard and the number of shards, e.g. 2/8), not {text!r}") from None
    if not 1 <= k <= n:
        raise PropmarkError(f"--shard {text}: K must be between 1 and N")
    return k, n


def run_batch(
    predictor,
    items: Iterable[Article | InputProblem],
    results: Journal,
    errors: Journal,
    group: int = 16,
    on_article: Callable[[int], None] | None = None,
    keep_samples: int = 50,
    shard: tuple[int, int] = (1, 1),
) -> BatchSummary:
    summary = BatchSummary(markers={label: 0 for label in predictor.labels})
    started = time.perf_counter()
    pending: list[Article] = []
    groups_seen = 0

    def mine() -> bool:
        return groups_seen % shard[1] == shard[0] - 1

    def flush() -> None:
        nonlocal groups_seen
        if not mine():
            groups_seen += 1
            pending.clear()
            return
        groups_seen += 1
        todo = [a for a in pending if a.source not in results.done]
        summary.resumed += len(pending) - len(todo)
        if todo:
            for result in predictor.score_group(pending):
                if result.source in results.done:
                    continue
                results.write(result.to_dict())
                summary.scored += 1
                summary.sentences += len(result.sentences)
                for label, count in result.markers.items():
                    summary.markers[label] += count
                band = result.credibility.band if result.credibility else "none"
                summary.bands[band] = summary.bands.get(band, 0) + 1
                if len(summary.samples) < keep_samples:
                    summary.samples.append(result)
        if on_article:
            on_article(len(pending))
        pending.clear()

    for item in items:
        if isinstance(item, InputProblem):
            if not mine():
                continue
            summary.problems += 1
            if len(summary.problem_samples) < keep_samples:
                summary.problem_samples.append(item)
            if item.source not in errors.done:
                errors.write({"source": item.source, "reason": item.reason})
            continue
        pending.append(item)
        if len(pending) >= group:
            flush()
    flush()
    summary.seconds = time.perf_counter() - started
    return summary


@dataclass
class Outputs:
    """Where a run writes: the results (as asked), the journal behind them, the errors, the manifest, the lock."""

    out: Path | None
    fmt: str
    journal: Path | None
    errors: Path | None
    inputs: list[Path] = field(default_factory=list)  # the input files, found once for every check that needs them

    @property
    def manifest(self) -> Path | None:
        return None if self.journal is None else self.journal.with_name(self.journal.name + ".run.json")

    @property
    def lock(self) -> Path | None:
        return None if self.journal is None else self.journal.with_name(self.journal.name + ".lock")

    def written(self) -> list[Path]:
        return [p for p in (self.out, self.journal, self.errors, self.manifest, self.lock) if p is not None]


def plan_outputs(paths: Sequence[Path], out: Path | None, fmt: str | None, resume: bool, force: bool,
                 errors: Path | None) -> Outputs:
    """Check the arguments and paths (before any model loads) and name every file the run writes."""
    check_paths(paths)
    if fmt is not None and fmt not in FORMATS:
        raise PropmarkError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if (resume or force or fmt or errors) and out is None:
        raise PropmarkError("--resume, --force, --format and --errors need --out")
    if resume and force:
        raise PropmarkError("use either --resume or --force, not both")
    if out is None:
        return Outputs(None, "jsonl", None, None)
    fmt = format_for(out, fmt)
    journal = out if fmt == "jsonl" else out.with_name(out.name + ".partial.jsonl")
    if resume and STDIN in paths:
        raise PropmarkError("--resume cannot check standard input against the first run; give files")
    outputs = Outputs(out, fmt, journal, errors or out.with_name(out.stem + ".errors.jsonl"), _input_files(paths))
    inputs = {inode(p) for p in outputs.inputs} - {None}
    for target in outputs.written():
        if target.is_dir():
            raise PropmarkError(f"{target} is a folder; --out names a file")
        if inode(target) in inputs:
            raise PropmarkError(f"{display(target)} is one of the inputs; write the results elsewhere")
    if fmt != "jsonl" and out.exists():
        if not (resume or force):
            raise PropmarkError(f"{out} already exists: add --force to overwrite it")
        if not is_export(out, fmt):
            raise PropmarkError(f"{out} is not a {fmt.upper()} file that propmark wrote; refusing to replace it")
    check_target(journal, resume, force)
    check_target(outputs.errors, resume, force or resume)
    parent = out.parent if str(out.parent) else Path(".")
    if parent.exists() and not os.access(parent, os.W_OK):
        raise PropmarkError(f"cannot write into {parent} (read-only, or no permission)")
    return outputs


def _input_files(paths: Sequence[Path]) -> list[Path]:
    files = []
    for root in paths:
        if root == STDIN:
            continue
        files.extend(item for item in discover(root) if isinstance(item, Path))
    return files


def run_fingerprint(files: Sequence[Path], model: str | None, settings: dict, exclude: Sequence[Path]) -> dict:
    """What makes two runs the same run: the model, the settings, and every input's path, size and mtime."""
    skip = {inode(p) for p in exclude} - {None}
    entries = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            entries.append([display(path), None, None])
            continue
        if (info.st_dev, info.st_ino) not in skip:
            entries.append([display(path), info.st_size, info.st_mtime_ns])
    digest = hashlib.sha256(json.dumps(entries).encode()).hexdigest()
    return {"model": model, "settings": settings, "inputs": {"count": len(entries), "sha256": digest,
                                                              "files": entries if len(entries) <= 10000 else None}}


def _differences(old: dict, new: dict) -> list[str]:
    out = []
    if old.get("model") != new["model"]:
        out.append(f"the model differs (was {old.get('model')}, now {new['model']})")
    for key in dict.fromkeys([*new["settings"], *old.get("settings", {})]):
        value = new["settings"].get(key)
        if old.get("settings", {}).get(key) != value:
            out.append(f"setting {key} differs (was {old.get('settings', {}).get(key)!r}, now {value!r})")
    before, after = old.get("inputs", {}), new["inputs"]
    if before.get("sha256") != after["sha256"]:
        if before.get("files") is not None and after["files"] is not None:
            was = {e[0]: e[1:] for e in before["files"]}
            now = {e[0]: e[1:] for e in after["files"]}
            added = sorted(set(now) - set(was))
            removed = sorted(set(was) - set(now))
            changed = sorted(p for p in set(now) & set(was) if now[p] != was[p])
            for name, items in (("added", added), ("removed", removed), ("changed", changed)):
                if items:
                    out.append(f"{len(items)} input file(s) {name} (e.g. {items[0]})")
        else:
            out.append(f"the inputs differ ({before.get('count')} files then, {after['count']} now)")
    return out


def _lock(path: Path):
    from filelock import FileLock, Timeout

    lock = FileLock(str(path), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise PropmarkError(f"another propmark run is writing {path.name.removesuffix('.lock')} (lock {path}); "
                            "wait for it or choose another --out") from None
    except OSError as exc:
        raise PropmarkError(f"cannot create the lock {path}: {exc.strerror}") from None
    return lock


def score_paths(
    paths: Sequence[Path | str],
    out: Path | str | None = None,
    *,
    fmt: str | None = None,
    resume: bool = False,
    force: bool = False,
    errors: Path | str | None = None,
    model: Path | str | None = None,
    config: Path | str | None = None,
    main_only: bool | None = None,
    max_file_mb: float | None = None,
    meta: Path | str | None = None,
    shard: str | None = None,
    precision: str | None = None,
    on_article: Callable[[int], None] | None = None,
    warn: Callable[[str], None] = lambda _: None,
    predictor=None,
) -> BatchSummary:
    """Score every article under ``paths`` into ``out`` (JSONL journal, then CSV/Parquet if asked).

    The Python API behind ``propmark score``; ``predictor`` reuses an already loaded model.
    """
    paths = [Path(p) for p in paths]
    shard_k_n = parse_shard(shard) if shard else (1, 1)
    if shard and out is None:
        raise PropmarkError("--shard needs --out: each shard writes its own results, `propmark merge` joins them")
    cfg = BatchConfig.load(Path(config) if config else None, max_file_mb=max_file_mb, html_main_only=main_only)
    outputs = plan_outputs(paths, Path(out) if out else None, fmt, resume, force, Path(errors) if errors else None)
    from propmark.pipeline import Predictor  # torch and the model load only once the arguments hold
    options = InputOptions(int(cfg.max_file_mb * 2**20), cfg.max_article_chars, cfg.html_main_only,
                           read_meta(Path(meta)) if meta else {})
    with ExitStack() as stack:
        if outputs.lock is not None:
            outputs.lock.parent.mkdir(parents=True, exist_ok=True)
            stack.callback(_lock(outputs.lock).release)
        predictor = predictor or Predictor.load(model, precision, config=cfg)
        settings = {"html_main_only": cfg.html_main_only, "max_file_mb": cfg.max_file_mb,
                    "max_article_chars": cfg.max_article_chars, "group_articles": cfg.group_articles,
                    "meta": hashlib.sha256(json.dumps(options.meta, sort_keys=True).encode()).hexdigest()[:16] if meta else None,
                    **({"shard": list(shard_k_n)} if shard else {})}
        if outputs.manifest is not None:
            run = run_fingerprint(outputs.inputs, predictor.fingerprint, settings, outputs.written())
            if resume and outputs.journal.exists() and not outputs.manifest.exists():
                warn(f"{outputs.journal} has no run manifest (an older propmark made it): model and inputs not checked")
            if resume and outputs.manifest.exists():
                try:
                    old = json.loads(outputs.manifest.read_text(encoding="utf-8"))
                except (OSError, json.JSONDecodeError, UnicodeDecodeError):
                    old = {}
                differs = _differences(old, run)
                if differs:
                    raise PropmarkError(f"--resume continues only the same run, and {outputs.journal} was made by another: "
                                        + "; ".join(differs) + ". Use --force to start over, or another --out")
            write_text(outputs.manifest, json.dumps(run, indent=1, ensure_ascii=False) + "\n")
        results = stack.enter_context(Journal(outputs.journal, resume, force, cfg.fsync_every, warn))
        problems = stack.enter_context(Journal(outputs.errors, resume, force or resume, warn=warn, lazy=True))
        summary = run_batch(predictor, iter_articles(paths, options, outputs.written()), results, problems,
                            cfg.group_articles, on_article, shard=shard_k_n)
        if outputs.manifest is not None:  # the run is whole: `merge` takes only finished shards
            write_text(outputs.manifest, json.dumps({**run, "finished": {"results": summary.scored + summary.resumed,
                                                                         "problems": summary.problems}}, indent=1, ensure_ascii=False) + "\n")
    if outputs.out is not None and outputs.fmt != "jsonl":
        export(outputs.journal, outputs.out, outputs.fmt, predictor.labels)
        outputs.journal.unlink()
    summary.out, summary.errors = outputs.out, outputs.errors
    return summary


def merge_shards(out: Path | str, shards: Sequence[Path | str], fmt: str | None = None, force: bool = False) -> int:
    """Join the journals of ``--shard K/N`` runs into the results file one unsharded run writes; returns the count.

    Groups went round-robin to the shards, so taking ``group_articles`` lines from each shard
    in turn restores the input order byte for byte. Every shard must be of the same run (model,
    settings, inputs) and finished; the input problems are concatenated in shard order.
    """
    out = Path(out)
    shards = [Path(p) for p in shards]
    if not shards:
        raise PropmarkError("name the shards' results files to merge")
    not_jsonl = [str(p) for p in shards if format_for(p, None) != "jsonl"]
    if not_jsonl:
        raise PropmarkError(f"merge reads the shards' JSONL results; score each shard with --out FILE.jsonl ({not_jsonl[0]})")
    runs = []
    for path in shards:
        manifest = path.with_name(path.name + ".run.json")
        try:
            runs.append(json.loads(manifest.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            raise PropmarkError(f"{path}: no run manifest ({manifest.name}) beside it: not the output of `propmark score --shard`") from None
    count = runs[0]["settings"].get("shard", [1, 1])[1]
    order = sorted(range(len(shards)), key=lambda i: runs[i]["settings"].get("shard", [0, 0])[0])
    ks = [runs[i]["settings"].get("shard", [0, 0]) for i in order]
    if ks != [[k, count] for k in range(1, count + 1)]:
        raise PropmarkError(f"merge needs every shard 1..{count} of one run exactly once, got {', '.join(f'{k}/{n}' for k, n in ks)}")
    for i in order:
        same = {key: v for key, v in runs[i]["settings"].items() if key != "shard"}
        first = {key: v for key, v in runs[order[0]]["settings"].items() if key != "shard"}
        if runs[i]["model"] != runs[order[0]]["model"] or runs[i]["inputs"]["sha256"] != runs[order[0]]["inputs"]["sha256"] or same != first:
            raise PropmarkError(f"{shards[i]} is a shard of another run (model, settings or inputs differ from {shards[order[0]]})")
        if "finished" not in runs[i]:
            raise PropmarkError(f"{shards[i]}: shard {ks[order.index(i)][0]}/{count} did not finish; rerun it with --resume")
    group = int(runs[order[0]]["settings"]["group_articles"])
    outputs = plan_outputs([], out, fmt, False, force, None)
    lines = [_journal_lines(shards[i]) for i in order]
    merged: list[bytes] = []
    turn = 0
    while any(lines):
        take, lines[turn % count] = lines[turn % count][:group], lines[turn % count][group:]
        if not take and any(lines):
            raise PropmarkError("the shards hold results out of step (a shard's journal was changed after it finished)")
        merged += take
        turn += 1
    with atomic_file(outputs.journal, "wb") as handle:
        handle.write(b"".join(merged))
    problems = [line for i in order for line in _journal_lines(shards[i].with_name(shards[i].stem + ".errors.jsonl"), missing_ok=True)]
    if problems:
        with atomic_file(outputs.errors, "wb") as handle:
            handle.write(b"".join(problems))
    if outputs.fmt != "jsonl":
        from propmark.config import label_names

        export(outputs.journal, outputs.out, outputs.fmt, label_names())
        outputs.journal.unlink()
    return len(merged)


def _journal_lines(path: Path, missing_ok: bool = False) -> list[bytes]:
    if missing_ok and not path.is_file():
        return []
    try:
        return [line if line.endswith(b"\n") else line + b"\n" for line in path.read_bytes().splitlines(keepends=True) if line.strip()]
    except OSError as exc:
        raise PropmarkError(f"cannot read {path}: {exc.strerror}") from None
