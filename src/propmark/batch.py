"""Score a stream of articles into a journal: resumable, streaming, never stopped by one bad input.

Articles are classified in fixed groups by their position in the input stream, and a
resumed run recomputes a partly finished group whole, so batches (and therefore every
score) are the same as in an uninterrupted run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from propmark.inputs import Article, InputProblem
from propmark.journal import Journal
from propmark.predict import Predictor


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


def run_batch(
    predictor: Predictor,
    items: Iterable[Article | InputProblem],
    results: Journal,
    errors: Journal,
    group: int = 16,
    on_article: Callable[[int], None] | None = None,
    keep_samples: int = 50,
) -> BatchSummary:
    summary = BatchSummary(markers={label: 0 for label in predictor.labels})
    started = time.perf_counter()
    pending: list[Article] = []

    def flush() -> None:
        todo = [a for a in pending if a.source not in results.done]
        summary.resumed += len(pending) - len(todo)
        if todo:
            for result in predictor.score_group(pending):
                if result["source"] in results.done:
                    continue
                results.write(result)
                summary.scored += 1
                summary.sentences += len(result["sentences"])
                for label, count in result["markers"].items():
                    summary.markers[label] += count
                band = result["credibility"]["band"]
                summary.bands[band] = summary.bands.get(band, 0) + 1
                if len(summary.samples) < keep_samples:
                    summary.samples.append(result)
        if on_article:
            on_article(len(pending))
        pending.clear()

    for item in items:
        if isinstance(item, InputProblem):
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
